"""The playground: a network trained on 2-D points while you change it, every neuron drawn.

    settings    one validated Settings value (every control) that writes the line of Python
    state       PlaygroundState: the settings, the data and one training Run; drive it from code
    view        PlaygroundView: draws a state with the lessons' plots
    widget      Playground: the state with its view and its ipywidgets controls, and the Train loop
    own_data    OwnDataPlayground: your own points, clicked, uploaded or read from a CSV
    points      reading, checking and writing those points (no widgets)
    picture     the clickable picture (an anywidget)

`mlp_lessons.playground(...)` makes one.  Nothing is imported here, so that
`import mlp_lessons` loads no widget library.
"""
