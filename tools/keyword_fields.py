"""List the cardeck.v1 fields whose names are keywords in a language clients are written in.

A generator renames or escapes such a field, or leaves it as is where the language allows
it there; docs/guides/other-languages.md says what each one does, in a table that
``tests/unit/docs/test_other_languages_guide.py`` compares with this list, so a new
keyword field cannot go undocumented::

    python tools/keyword_fields.py    # Message.field  language, language…

The word lists are each language's reserved words, contextual ones included (``final``
is legal as a C++ or Swift identifier, but a reader should still know where it is special).
"""

from __future__ import annotations

import importlib
import keyword
import pkgutil
from collections.abc import Iterable, Iterator

from google.protobuf.descriptor import Descriptor


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# https://docs.oracle.com/javase/specs/jls/se21/html/jls-3.html#jls-3.9 (with the literals)
JAVA = _words(
    """
    abstract assert boolean break byte case catch char class const continue default do
    double else enum extends final finally float for goto if implements import instanceof
    int interface long native new package private protected public return short static
    strictfp super switch synchronized this throw throws transient try void volatile while
    true false null
    """
)
# Kotlin's hard keywords: https://kotlinlang.org/docs/keyword-reference.html
KOTLIN = _words(
    """
    as break class continue do else false for fun if in interface is null object package
    return super this throw true try typealias typeof val var when while
    """
)
# ECMAScript reserved words, strict-mode ones included (TypeScript shares them).
JAVASCRIPT = _words(
    """
    await break case catch class const continue debugger default delete do else enum export
    extends false finally for function if import in instanceof new null return super switch
    this throw true try typeof var void while with yield let static implements interface
    package private protected public
    """
)
CSHARP = _words(
    """
    abstract as base bool break byte case catch char checked class const continue decimal
    default delegate do double else enum event explicit extern false finally fixed float for
    foreach goto if implicit in int interface internal is lock long namespace new null
    object operator out override params private protected public readonly ref return sbyte
    sealed short sizeof stackalloc static string struct switch this throw true try typeof
    uint ulong unchecked unsafe ushort using virtual void volatile while
    """
)
# The Swift reference's keyword lists, and the contextual ones (final, package since 5.9).
SWIFT = _words(
    """
    associatedtype class deinit enum extension fileprivate func import init inout internal
    let open operator private precedencegroup protocol public rethrows static struct
    subscript typealias var break case continue default defer do else fallthrough for guard
    if in repeat return switch where while as Any catch false is nil self Self super throw
    throws true try convenience dynamic final indirect lazy mutating nonmutating optional
    override package required unowned weak
    """
)
CPP = _words(
    """
    alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t
    char16_t char32_t class compl concept const consteval constexpr constinit const_cast
    continue co_await co_return co_yield decltype default delete do double dynamic_cast else
    enum explicit export extern false float for friend goto if inline int long mutable
    namespace new noexcept not not_eq nullptr operator or or_eq private protected public
    register reinterpret_cast requires return short signed sizeof static static_assert
    static_cast struct switch template this thread_local throw true try typedef typeid
    typename union unsigned using virtual void volatile wchar_t while xor xor_eq final
    override import module
    """
)
OBJECTIVE_C = CPP | _words("id self super in out inout bycopy byref oneway nil Nil YES NO")
GO = _words(
    """
    break case chan const continue default defer else fallthrough for func go goto if import
    interface map package range return select struct switch type var
    """
)
# https://www.php.net/manual/en/reserved.keywords.php
PHP = _words(
    """
    abstract and array as break callable case catch class clone const continue declare
    default die do echo else elseif empty enddeclare endfor endforeach endif endswitch
    endwhile enum eval exit extends final finally fn for foreach function global goto if
    implements include include_once instanceof insteadof interface isset list match
    namespace new or print private protected public readonly require require_once return
    static switch throw trait try unset use var while xor yield
    """
)
RUBY = _words(
    """
    __ENCODING__ __LINE__ __FILE__ BEGIN END alias and begin break case class def defined?
    do else elsif end ensure false for if in module next nil not or redo rescue retry return
    self super then true undef unless until when while yield
    """
)
PYTHON = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)

#: Each language the guide covers, and its reserved words.
LANGUAGES: dict[str, frozenset[str]] = {
    "C++": CPP,
    "Java": JAVA,
    "Kotlin": KOTLIN,
    "JavaScript/TypeScript": JAVASCRIPT,
    "Go": GO,
    "C#": CSHARP,
    "Swift": SWIFT,
    "Objective-C": OBJECTIVE_C,
    "PHP": PHP,
    "Ruby": RUBY,
    "Python": PYTHON,
}


def messages() -> Iterator[Descriptor]:
    """Every message of cardeck.v1, nested ones included, from the generated modules."""
    import cardeck.v1

    for info in pkgutil.iter_modules(cardeck.v1.__path__):
        if info.name.endswith("_pb2"):
            module = importlib.import_module(f"cardeck.v1.{info.name}")
            yield from _nested(module.DESCRIPTOR.message_types_by_name.values())


def _nested(messages: Iterable[Descriptor]) -> Iterator[Descriptor]:
    for message in messages:
        yield message
        yield from _nested(message.nested_types)


def keyword_fields() -> dict[str, list[str]]:
    """``Message.field`` (nested messages dotted) → the languages it is a keyword in."""
    found: dict[str, list[str]] = {}
    for message in messages():
        if message.GetOptions().map_entry:
            continue
        name = message.full_name.removeprefix("cardeck.v1.")
        for field in message.fields:
            languages = [lang for lang, words in LANGUAGES.items() if field.name in words]
            if languages:
                found[f"{name}.{field.name}"] = languages
    return dict(sorted(found.items()))


def main() -> int:
    for name, languages in keyword_fields().items():
        print(f"{name}  {', '.join(languages)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
