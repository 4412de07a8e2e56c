// A catalog text in every UI language until the tab's state arrives, then in the
// tab's language (components/text.py). The prerendered HTML has them all, and the
// stylesheet shows the one of <html lang>, which a script in the page's <head> sets
// from the language this browser showed last before anything paints
// (components/first_paint.py): the first paint is in the tab's language, with no
// flash of another. Once the state is there only the chosen text is rendered, so the
// page reads (and is read out) as one text.
export function Tx({ texts, lang, ready }) {
  if (ready) {
    return texts[lang] ?? Object.values(texts)[0];
  }
  const langs = Object.keys(texts);
  if (langs.every((l) => texts[l] === texts[langs[0]])) {
    return texts[langs[0]];
  }
  return langs.map((l) => (
    <span key={l} data-tx={l}>
      {texts[l]}
    </span>
  ));
}
