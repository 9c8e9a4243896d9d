"""Self-checks for the exercises of lesson 03 (k-means).

Each check rebuilds what the exercise starts from (the standardized Old Faithful data,
the given centers) from the package and compares the learner's answer with the package's
own result. Hints name the likely mistake and never show the right numbers.
"""

from __future__ import annotations

import numpy as np

from course_utils import kmeans
from course_utils.checks._feedback import BadAnswer, as_array, as_number, right, self_check, wrong
from course_utils.data import load_old_faithful

# Exercise 1 starts from one iteration of a k = 3 run from these centers.
EXERCISE_1_START = np.array([[-1.5, 0.0], [0.0, 1.5], [1.5, 0.0]])
# The poor start of the lesson's Lloyd loop (section 3), whose fit exercise 4 uses.
LESSON_START = np.array([[-1.5, 1.5], [1.5, -1.5]])
# Points on the grid of candidate values of exercise 4.
EXERCISE_4_CANDIDATES = 2001


def _faithful():
    """Old Faithful in minutes and standardized, as the lesson's section 1 makes them."""
    faithful = load_old_faithful()
    return faithful, (faithful - faithful.mean(axis=0)) / faithful.std(axis=0)


def _labels(value, n: int) -> np.ndarray:
    labels = as_array(value, "labels", (n,))
    if np.any(labels != np.round(labels)):
        raise BadAnswer("`labels` should hold whole numbers (cluster indices 0, 1, 2); got fractions.")
    return labels.astype(int)


@self_check
def exercise_1(labels, inertia, new_centers):
    """One Lloyd iteration by hand: labels (N,), J of those labels with `centers`, new centers (3, 2)."""
    _, Z = _faithful()
    labels_before, _ = kmeans.assign(Z, EXERCISE_1_START)
    centers = kmeans.update_centers(Z, labels_before, 3)
    right_labels, squared_distances = kmeans.assign(Z, centers)
    right_inertia = float(squared_distances.sum())
    right_centers = kmeans.update_centers(Z, right_labels, 3)

    labels = _labels(labels, Z.shape[0])
    if not np.array_equal(labels, right_labels):
        if np.array_equal(labels, labels_before):
            return wrong("these are `labels_before`: assign every point again, to the nearest of `centers`.")
        per_coordinate = ((Z[:, np.newaxis, :] - centers[np.newaxis]) ** 2).sum(axis=1)
        if np.array_equal(labels, per_coordinate.argmin(axis=1)):
            return wrong("the labels look summed over the wrong axis: an (N, 3, 2) array of differences "
                         "should be squared and summed over its last axis (the 2 coordinates), leaving "
                         "one distance per point and center, shape (N, 3).")
        all_squared = ((Z[:, np.newaxis, :] - centers[np.newaxis]) ** 2).sum(axis=2)
        if np.array_equal(labels, all_squared.argmax(axis=1)):
            return wrong("every point went to its farthest center: take the argmin, not the argmax.")
        share = np.mean(labels == right_labels)
        return wrong(f"{share:.0%} of the labels are right; each point's label should be the index of the "
                     "nearest of `centers` (3.2), argmin over the centers (axis 1 of an (N, 3) array).")

    inertia = as_number(inertia, "inertia")
    if not np.isclose(inertia, right_inertia, rtol=1e-9):
        if np.isclose(inertia, right_inertia / Z.shape[0], rtol=1e-6):
            return wrong("`inertia` looks averaged over the points; J (3.1) is a sum over the points, not a mean.")
        if np.isclose(inertia, np.sqrt(squared_distances).sum(), rtol=1e-6):
            return wrong("`inertia` looks like a sum of distances; J adds the squared distances.")
        if np.isclose(inertia, float(np.sum((Z - right_centers[right_labels]) ** 2)), rtol=1e-6):
            return wrong("`inertia` is J after the update step; the exercise asks for J of the new labels "
                         "with `centers`, before the update.")
        return wrong("`inertia` should be J (3.1) of your labels with `centers`: the sum over the points "
                     "of the squared distance to their own center.")

    new_centers = as_array(new_centers, "new_centers", (3, 2))
    if not np.allclose(new_centers, right_centers, rtol=1e-9, atol=1e-12):
        if np.allclose(new_centers, centers, rtol=1e-9, atol=1e-12):
            return wrong("`new_centers` are the means of the old labels (`labels_before`): update the "
                         "centers with the labels you just computed.")
        if np.allclose(new_centers, right_centers[::-1], rtol=1e-9, atol=1e-12):
            return wrong("`new_centers` are in reverse order: row j should be the mean of the points labelled j.")
        return wrong("row j of `new_centers` should be the mean (3.3) of the points with label j.")
    return right(f"labels, J and the updated centers all agree with the package "
                 f"({np.sum(labels != labels_before)} points changed cluster in this iteration).")


@self_check
def exercise_2(share_waiting):
    """The share of the raw-data J that comes from the waiting-time column."""
    faithful, _ = _faithful()
    share_waiting = as_number(share_waiting, "share_waiting")
    raw = kmeans.fit(faithful, 2, n_init=10, rng=0)
    within = faithful - raw.centers[raw.labels]
    column_sums = np.sum(within ** 2, axis=0)
    right_share = float(column_sums[1] / column_sums.sum())
    if abs(share_waiting - right_share) <= 5e-4:
        return right("nearly all of J on the raw scale comes from one column.")
    if abs(share_waiting - (1.0 - right_share)) <= 5e-4:
        return wrong("that is the share of the duration (column 0); the waiting time is column 1.")
    if share_waiting > 1.0 or share_waiting < 0.0:
        return wrong("a share lies between 0 and 1: divide the waiting-time part of J by the whole J.")
    centred = faithful - faithful.mean(axis=0)
    total = np.sum(centred ** 2, axis=0)
    if abs(share_waiting - total[1] / total.sum()) <= 5e-4:
        return wrong("that is the waiting time's share of the spread around the overall mean; J measures "
                     "each point from its own cluster center (`raw.centers[raw.labels]`).")
    absolute = np.sum(np.abs(within), axis=0)
    if abs(share_waiting - absolute[1] / absolute.sum()) <= 5e-4:
        return wrong("J adds squared differences; square `within` before summing.")
    return wrong("`share_waiting` should be the sum over the points of the squared waiting-time part of "
                 "`within`, divided by J, all on the raw scale (minutes).")


@self_check
def exercise_4(absolute_cost, best_mu):
    """The cost sum_n |x_n - mu| on a grid of mu and the grid value that minimizes it."""
    faithful, Z = _faithful()
    labels = kmeans.fit(Z, 2, init=LESSON_START).labels
    durations = faithful[labels == 0, 0]
    candidates = np.linspace(durations.min(), durations.max(), EXERCISE_4_CANDIDATES)
    if isinstance(absolute_cost, np.ndarray) and absolute_cost.shape == durations.shape:
        return wrong("`absolute_cost` has one value per duration: sum over the durations (axis 0 of a "
                     "(durations, candidates) array), leaving one cost per candidate mu.")
    cost = as_array(absolute_cost, "absolute_cost", (EXERCISE_4_CANDIDATES,))
    right_cost = np.abs(durations[:, np.newaxis] - candidates).sum(axis=0)
    if not np.allclose(cost, right_cost, rtol=1e-9):
        squared_cost = ((durations[:, np.newaxis] - candidates) ** 2).sum(axis=0)
        if np.allclose(cost, squared_cost, rtol=1e-9):
            return wrong("that is the squared cost of k-means; this exercise uses |x_n - mu|, no square.")
        if np.allclose(cost, right_cost / durations.size, rtol=1e-9):
            return wrong("the cost looks averaged; sum |x_n - mu| over the durations (a mean has the same "
                         "minimizer, but the exercise asks for the sum).")
        return wrong("`absolute_cost[i]` should be the sum over the durations x_n of |x_n - candidates[i]|.")
    best_mu = as_number(best_mu, "best_mu")
    step = candidates[1] - candidates[0]
    ordered = np.sort(durations)
    middle = ordered[[(ordered.size - 1) // 2, ordered.size // 2]]
    if middle[0] - step <= best_mu <= middle[1] + step:
        return right("the minimizer sits at the middle of the sorted durations.")
    if float(best_mu).is_integer() and 0 <= best_mu < EXERCISE_4_CANDIDATES:
        return wrong("`best_mu` looks like an index: take the candidate at that index, candidates[...].")
    if abs(best_mu - durations.mean()) <= step:
        return wrong("that is the mean of the durations, the minimizer of the squared cost; "
                     "look for the candidate where `absolute_cost` is lowest.")
    if abs(best_mu - candidates[np.argmax(right_cost)]) <= step:
        return wrong("that candidate has the highest cost: use argmin, not argmax.")
    return wrong("`best_mu` should be the candidate with the lowest `absolute_cost`.")
