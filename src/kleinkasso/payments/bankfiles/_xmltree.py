"""Parse XML without DTDs, entities or external references.

defusedxml's parser rejects any document type declaration, entity
declaration and external reference, so billion-laughs and external-entity
documents fail before anything expands. The tree builder also limits the
nesting depth and drops namespaces from element names, so readers match on
local names and accept any namespace, the Austrian camt variant included.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from ._values import ValueProblem

# ISO 20022 payment messages nest about 15 levels deep; 64 leaves room for
# supplementary data while a deeply nested attack stops early.
MAX_DEPTH = 64


class _TooDeep(Exception):
    pass


class _LocalNameBuilder:
    """Tree builder target that strips namespaces and limits nesting depth."""

    def __init__(self, max_depth: int) -> None:
        self._builder = ET.TreeBuilder()
        self._max_depth = max_depth
        self._depth = 0
        self.root_namespace: str | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> ET.Element:
        self._depth += 1
        if self._depth > self._max_depth:
            raise _TooDeep
        namespace, _, local = tag.rpartition("}")
        if self.root_namespace is None:
            self.root_namespace = namespace.lstrip("{")
        return self._builder.start(local, attrs)

    def end(self, tag: str) -> ET.Element:
        self._depth -= 1
        return self._builder.end(tag.rpartition("}")[2])

    def data(self, text: str) -> None:
        self._builder.data(text)

    def close(self) -> ET.Element:
        return self._builder.close()


def parse_xml(text: str, max_depth: int = MAX_DEPTH) -> tuple[ET.Element, str]:
    """Parse ``text`` into a tree of local names.

    Returns the root element and the root element's namespace (``""`` when
    it has none). Raises :class:`ValueProblem` for malformed XML, a DTD, an
    entity declaration, an external reference or nesting deeper than
    ``max_depth``.
    """
    builder = _LocalNameBuilder(max_depth)
    parser = DefusedXMLParser(
        target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    try:
        # A str input makes expat read the text as already decoded and
        # ignore the encoding the XML declaration names.
        parser.feed(text)
        root = parser.close()
    except _TooDeep:
        raise ValueProblem(
            f"XML nests deeper than {max_depth} elements; expected a bank message"
        ) from None
    except DefusedXmlException as error:
        raise ValueProblem(
            f"XML contains a forbidden construct ({type(error).__name__}); "
            "bank messages need no DTD, entity declaration or external reference"
        ) from None
    except ET.ParseError as error:
        raise ValueProblem(f"XML is not well-formed: {error}") from None
    return root, builder.root_namespace or ""


def text_at(element: ET.Element | None, path: str) -> str | None:
    """Return the stripped text at ``path``, or ``None`` when missing or blank."""
    if element is None:
        return None
    found = element.find(path)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def texts_at(element: ET.Element, path: str) -> list[str]:
    """Return the non-blank texts of every element at ``path``, in file order."""
    return [
        found.text
        for found in element.iterfind(path)
        if found.text and found.text.strip()
    ]
