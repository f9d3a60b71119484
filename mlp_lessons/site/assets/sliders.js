// Pre-rendered sliders: a <figure class="frames"> holds one picture per slider position
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
