"""The playground: a network trained on 2-D points while you change it, every neuron drawn.

    settings    PROPERTIES, the typed list of settings, and the Settings value made from it (writes the line of Python)
    state       PlaygroundState: the settings, a data source and one training Run; drive it from code
    view        PlaygroundView: draws a state with the lessons' plots
    widget      Playground = state + view + controls (ipywidgets, built when shown, with the Train loop)
    own_data    OwnPoints: your own points as the state's data source, and the controls that change them
    points      reading, checking and writing those points (no widgets)
    picture     the clickable picture (an anywidget)

`mlp_lessons.playground(...)` makes one.  Nothing is imported here, so that
`import mlp_lessons` loads no widget library.
"""
