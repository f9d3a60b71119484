// The site's behaviour.  Pre-rendered sliders: a <figure class="frames"> holds one picture per slider position
// (listed in its JSON script); moving its range input, by mouse or keyboard, shows that picture.
document.querySelectorAll("figure.frames").forEach(function (figure) {
  var frames = JSON.parse(figure.querySelector("script[type='application/json']").textContent);
  var input = figure.querySelector("input[type=range]");
  var output = figure.querySelector("output");
  var img = figure.querySelector("img");
  var caption = figure.querySelector("figcaption");
  input.addEventListener("input", function () {
    var frame = frames[Number(input.value)];
    img.src = frame.src;
    img.alt = frame.alt;
    output.textContent = frame.label;
    input.setAttribute("aria-valuetext", frame.label);
    caption.textContent = frame.text;
  });
});

// A display equation wider than the page scrolls sideways: make it reachable from the keyboard.
function focusWideEquations() {
  document.querySelectorAll('mjx-container[display="true"]').forEach(function (math) {
    if (math.scrollWidth > math.clientWidth) {
      math.setAttribute("tabindex", "0");
    } else {
      math.removeAttribute("tabindex");
    }
  });
}
if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
  MathJax.startup.promise.then(focusWideEquations);
}
window.addEventListener("resize", focusWideEquations);
