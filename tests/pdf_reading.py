"""Reading a tagged PDF back in tests."""


def figure_alt_texts(reader) -> list[str]:
    """The alternative text of every Figure in a pypdf reader's structure tree, in order."""
    found = []

    def walk(node):
        node = node.get_object()
        if node.get("/S") == "/Figure":
            found.append(str(node.get("/Alt")))
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, list) else [kids]) if kids is not None else []:
            kid = kid.get_object()
            if hasattr(kid, "get"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found
