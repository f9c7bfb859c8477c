"""Reading the pickles of an index folder without running code from them.

Whoosh keeps its schema (the ``_MAIN_*.toc`` file), its segment list, posting blocks,
term infos, column headers and stored fields as pickles, and a pickle can name any
importable callable and call it: a crafted index folder would run commands as the user
who opens it. Here every unpickle Whoosh does goes through an unpickler that resolves only
the classes a newsfacet index holds (plain containers, ``datetime``, Whoosh's fields,
analyzers, formats, columns and segment types) and refuses anything else with
:class:`UnsafePickleError` before it is called.

:func:`install` rebinds the unpickling functions in Whoosh's modules once, and is called
when :mod:`index.store.folder` is imported, before any index can be opened. It also makes
Whoosh write its pickles in the highest protocol, whose bytes read without a call each.
"""

from __future__ import annotations

import codecs
import importlib
import io
import pickle
import pkgutil
import sys
import types
from typing import Any

import whoosh
from whoosh import legacy

#: (module, name) -> whether it may be resolved. Only names a newsfacet index's pickles
#: use; protocol 2 pickles name builtins under Python 2's ``__builtin__``.
_BUILTINS = ("bool", "bytearray", "bytes", "complex", "dict", "float", "frozenset", "int",
             "list", "long", "object", "set", "slice", "str", "tuple", "unicode", "xrange")
_WHOOSH_CLASSES: dict[str, tuple[str, ...]] = {
    "whoosh.fields": ("Schema", "FieldType", "ID", "IDLIST", "KEYWORD", "TEXT", "STORED",
                      "DATETIME", "NUMERIC", "BOOLEAN", "NGRAM", "NGRAMWORDS"),
    "whoosh.formats": ("Format", "Existence", "Frequency", "Positions", "Characters",
                       "PositionBoosts", "CharacterBoosts"),
    "whoosh.columns": ("Column", "VarBytesColumn", "FixedBytesColumn", "RefBytesColumn",
                       "NumericColumn", "BitColumn", "CompressedBytesColumn", "StructColumn",
                       "PickleColumn", "ListColumn"),
    "whoosh.codec.whoosh3": ("W3Codec", "W3Segment", "W3TermInfo"),
    "whoosh.codec.base": ("Segment", "FileTermInfo"),
    "whoosh.analysis.analyzers": ("CompositeAnalyzer", "Analyzer"),
    "whoosh.analysis.tokenizers": ("IDTokenizer", "RegexTokenizer", "CharsetTokenizer",
                                   "SpaceSeparatedTokenizer", "CommaSeparatedTokenizer"),
    "whoosh.analysis.filters": ("LowercaseFilter", "StopFilter", "StripFilter",
                                "CharsetFilter", "SubstitutionFilter", "MultiFilter"),
    "whoosh.analysis.morph": ("StemFilter",),
    "whoosh.analysis.intraword": ("IntraWordFilter",),
    "whoosh.lang.porter": ("stem",),
    "whoosh.support.charset": (),
}
#: newsfacet's own analyzer filters (``index.store.analysis``), pickled in the schema.
_OWN_CLASSES: dict[str, tuple[str, ...]] = {
    "index.store.analysis": ("FoldFilter", "JoinFilter", "SurfaceStemFilter"),
}
_ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {(module, name) for module in ("builtins", "__builtin__") for name in _BUILTINS}
    | {(module, name) for module, names in _WHOOSH_CLASSES.items() for name in names}
    | {(module, name) for module, names in _OWN_CLASSES.items() for name in names}
    | {("datetime", "datetime"), ("datetime", "date"), ("datetime", "timedelta"),
       ("datetime", "timezone"), ("collections", "defaultdict"), ("collections", "OrderedDict"),
       ("copyreg", "_reconstructor"), ("copy_reg", "_reconstructor"), ("re", "_compile"),
       ("array", "array"), ("array", "_array_reconstructor")}
    # The analyzer of the ``mentions`` field: it reads pre-placed terms and runs no code
    # of the pickle's choosing.
    | {("index.store.schema", "PlacedTerms"), ("index.store.schema", "KeyTerms")}
)


class UnsafePickleError(pickle.UnpicklingError):
    """A pickle in an index file names something that is not part of an index."""


def _latin1(text: str, encoding: str = "latin1") -> bytes:
    """``_codecs.encode`` as protocol 2 pickles of bytes use it, for that encoding only."""
    # Called once per bytes object of an older posting block: the usual name is checked
    # without a codec lookup.
    if encoding != "latin1" and codecs.lookup(encoding).name != "iso8859-1":
        raise UnsafePickleError(f"refused the encoding {encoding!r} in an index file")
    return text.encode("latin1")


class SafeUnpickler(pickle.Unpickler):
    """An unpickler that resolves only the names on the allowlist."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("_codecs", "encode"):
            return _latin1
        if (module, name) not in _ALLOWED:
            raise UnsafePickleError(f"refused to load {module}.{name} from an index file")
        return super().find_class(module, name)


#: Below this size a pickle is read from a plain ``BytesIO``; above it, through a buffer,
#: since the C unpickler reads a file without ``peek`` one opcode at a time (measured: 4x
#: slower than ``pickle.loads`` on a 1 KB posting block unbuffered, 1.4x buffered).
_BUFFER_ABOVE = 256


def loads(data: bytes, *_: Any, **__: Any) -> Any:
    """``pickle.loads`` that refuses every name not on the allowlist."""
    stream: Any = io.BytesIO(data)
    if len(data) > _BUFFER_ABOVE:
        stream = io.BufferedReader(stream)
    return SafeUnpickler(stream).load()


def load(file: Any, *_: Any, **__: Any) -> Any:
    """``pickle.load`` that refuses every name not on the allowlist."""
    return SafeUnpickler(file).load()


def dumps(obj: Any, *_: Any, **__: Any) -> bytes:
    """``pickle.dumps`` in the highest protocol, whatever protocol Whoosh asks for.

    Whoosh asks for protocol 2, which writes every ``bytes`` object (a posting's positions,
    say) as a call to ``_codecs.encode`` that reading must resolve and make one by one:
    about a third of a search's time on cold posting lists. Later protocols write bytes as
    bytes. Reading accepts both, so indexes written before read as they did.
    """
    return pickle.dumps(obj, pickle.HIGHEST_PROTOCOL)


def dump(obj: Any, file: Any, *_: Any, **__: Any) -> None:
    """``pickle.dump`` in the highest protocol (see :func:`dumps`)."""
    pickle.dump(obj, file, pickle.HIGHEST_PROTOCOL)


class _PickleShim(types.ModuleType):
    """The ``pickle`` module as Whoosh's modules see it: writing in the highest protocol,
    reading safe."""

    loads = staticmethod(loads)
    load = staticmethod(load)
    dumps = staticmethod(dumps)
    dump = staticmethod(dump)
    Unpickler = SafeUnpickler

    def __getattr__(self, name: str) -> Any:
        return getattr(pickle, name)


_SHIM = _PickleShim("pickle")
_UNSAFE = {id(pickle.loads): loads, id(pickle.load): load, id(pickle): _SHIM,
           id(pickle.Unpickler): SafeUnpickler, id(pickle.dumps): dumps, id(pickle.dump): dump}
_installed = False


#: Whoosh's modules that unpickle or hand out an unpickler (found by reading its source for
#: ``pickle``, ``load`` and ``loads``); ``whoosh.compat`` first, so that modules imported
#: later take the safe functions from it.
_PICKLING_MODULES = (
    "whoosh.compat", "whoosh.index", "whoosh.legacy", "whoosh.columns", "whoosh.formats",
    "whoosh.multiproc", "whoosh.externalsort", "whoosh.automata.fst", "whoosh.util.loading",
    "whoosh.codec.whoosh3", "whoosh.codec.whoosh2", "whoosh.codec.plaintext",
    "whoosh.filedb.structfile", "whoosh.filedb.compound", "whoosh.filedb.filetables",
    "whoosh.filedb.fileindex", "whoosh.filedb.filereading", "whoosh.filedb.misc",
)


def _import(name: str) -> types.ModuleType | None:
    try:
        return importlib.import_module(name)
    except Exception:  # noqa: BLE001 - legacy modules that no longer import
        return None


def whoosh_modules() -> list[types.ModuleType]:
    """Every importable module of the Whoosh package (imports them all; for tests)."""
    found = [whoosh]
    for info in pkgutil.walk_packages(whoosh.__path__, "whoosh."):
        module = _import(info.name)
        if module is not None:
            found.append(module)
    return found


def install() -> None:
    """Route every unpickle in Whoosh's modules through :class:`SafeUnpickler`, and every
    pickle it writes through :func:`dumps`.

    Rebinds each module global that is ``pickle``, ``pickle.load``, ``pickle.loads``,
    ``pickle.Unpickler``, ``pickle.dump`` or ``pickle.dumps`` in the modules that use them
    and in every Whoosh module loaded so far (modules loaded later import them from the
    patched ``whoosh.compat``), and drops Whoosh's readers of pre-2.5 tables of contents,
    which unpickle with a renaming unpickler of their own (newsfacet never wrote them).
    """
    global _installed
    if _installed:
        return
    modules = [_import(name) for name in _PICKLING_MODULES]
    modules += [m for name, m in list(sys.modules.items()) if name.startswith("whoosh.")]
    for module in filter(None, modules):
        for name, value in list(vars(module).items()):
            replacement = _UNSAFE.get(id(value))
            if replacement is not None:
                setattr(module, name, replacement)
    legacy.toc_loaders.clear()
    _installed = True
