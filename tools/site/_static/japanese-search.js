/* Japanese search queries split into words (the Japanese site only; see conf.py).
   Sphinx splits the pages' Japanese text into words when it builds the search index, but a
   query only at spaces and punctuation, so a query such as 中心極限定理 (three words
   written together) finds nothing. Here a piece of the query that is not a word of the
   index is split by the browser's own Japanese word segmenter, where it has one.
   searchtools.js uses this splitQuery instead of its own when it is defined first. */
if (typeof Intl !== "undefined" && typeof Intl.Segmenter === "function") {
  const japaneseWords = new Intl.Segmenter("ja", { granularity: "word" });
  const indexed = (word) => {
    const index = typeof Search !== "undefined" && Search._index;
    const key = word.toLowerCase();
    return Boolean(index) && (Object.hasOwn(index.terms, key) || Object.hasOwn(index.titleterms, key));
  };
  var splitQuery = (query) =>
    query
      .split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu)
      .filter((piece) => piece)
      .flatMap((piece) =>
        indexed(piece)
          ? [piece]
          : [...japaneseWords.segment(piece)].filter((part) => part.isWordLike).map((part) => part.segment),
      );
}
