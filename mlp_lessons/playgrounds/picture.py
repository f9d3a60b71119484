"""A picture widget with alt text that reports where it is clicked (top layer).

ipywidgets' Image has no alt text and no mouse events.  Picture is a small
anywidget: the browser side (a few lines of JavaScript, below) shows PNG bytes
as an <img> with alt text and, when clickable, sends each click back to Python
in the PNG's own pixel coordinates (origin top left), whatever size the picture
is drawn at.  anywidget ships that JavaScript with the widget itself, so the
same widget works in JupyterLab, Voila, VS Code and Colab (after
google.colab.output.enable_custom_widget_manager()), with no extension to
build or install.

    picture = Picture(value=png_bytes, alt="what it shows", clickable=True)
    picture.on_click(lambda x, y, shift: print(x, y))
    picture = swap_in_picture(pg.controls, alt)  # in place of a playground's Image
"""

from __future__ import annotations

import anywidget
import traitlets

ESM = """
function render({ model, el }) {
  const img = document.createElement("img");
  img.className = "mlp-picture";
  img.style.cssText = "display:block; width:100%; height:auto;";
  let url = null;
  function show() {
    const next = URL.createObjectURL(new Blob([model.get("value")], { type: "image/png" }));
    img.src = next;
    if (url) URL.revokeObjectURL(url);
    url = next;
  }
  function look() {
    img.alt = model.get("alt");
    img.style.cursor = model.get("clickable") ? "crosshair" : "default";
  }
  img.addEventListener("click", (event) => {
    if (!model.get("clickable") || !img.naturalWidth) return;
    const box = img.getBoundingClientRect();
    model.send({
      event: "click",
      x: (event.clientX - box.left) * img.naturalWidth / box.width,
      y: (event.clientY - box.top) * img.naturalHeight / box.height,
      shift: event.shiftKey,
    });
  });
  model.on("change:value", show);
  model.on("change:alt", look);
  model.on("change:clickable", look);
  show();
  look();
  el.appendChild(img);
  return () => { if (url) URL.revokeObjectURL(url); };
}
export default { render };
"""


class Picture(anywidget.AnyWidget):
    """PNG bytes shown with alt text; clicks reported in the PNG's pixels when clickable."""

    _esm = ESM
    value = traitlets.Bytes(b"").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    clickable = traitlets.Bool(False).tag(sync=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._click_handlers = []
        self.on_msg(self._on_message)

    def on_click(self, handler) -> None:
        """Call handler(x, y, shift) for each click: (x, y) in the PNG's pixels, origin top left."""
        self._click_handlers.append(handler)

    def click(self, x: float, y: float, shift: bool = False) -> None:
        """What a click at pixel (x, y) does, for tests and scripts."""
        for handler in self._click_handlers:
            handler(float(x), float(y), bool(shift))

    def _on_message(self, widget, content, buffers) -> None:
        if isinstance(content, dict) and content.get("event") == "click":
            self.click(content["x"], content["y"], content.get("shift", False))


def _keep_alt_text(picture, alt):
    """A callback that sets the picture's alt text anew, holding the picture weakly, and alt too when it is a
    bound method (the own-points controls'; the lecture page's is a plain function)."""
    import weakref

    from ..figures.lifetime import weakly

    alt, picture = weakly(alt) if hasattr(alt, "__self__") else alt, weakref.ref(picture)

    def update(_):
        shown, text = picture(), alt()
        if shown is not None and text is not None:
            shown.alt = text
    return update


def swap_in_picture(ui, alt) -> Picture:
    """Put a Picture in place of ui.image, the ipywidgets Image of a PlaygroundControls ui, and close the Image.

    ui.image is the Picture from then on, so the playground's redraw sends each
    picture once, to the one widget shown (a hidden Image kept in step would
    send every frame's PNG a second time); alt() gives its alt text, updated
    with every new picture.  A ui that already shows a Picture keeps it.
    """
    from ..figures.lifetime import close_widgets

    image = ui.image
    if isinstance(image, Picture):
        return image
    picture = Picture(value=bytes(image.value), alt=alt())
    picture.observe(_keep_alt_text(picture, alt), names="value")
    ui.box.children = tuple(picture if child is image else child for child in ui.box.children)
    ui.image = picture
    close_widgets(image)  # its layout too
    return picture
