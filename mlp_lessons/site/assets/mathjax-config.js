// MathJax 3 (shipped with the site in assets/mathjax/): TeX in $...$ and $$...$$, drawn as SVG,
// so no web font is loaded and pages work from the file system.
window.MathJax = {
  tex: {
    inlineMath: [["$", "$"], ["\\(", "\\)"]],
    displayMath: [["$$", "$$"], ["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true
  },
  svg: { fontCache: "global" },
  options: {
    skipHtmlTags: ["script", "noscript", "style", "textarea", "pre", "code"],
    enableMenu: false
  }
};
