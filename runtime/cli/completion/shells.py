"""The completion scripts for bash, zsh and fish, written from the command tree
(:mod:`cloudburst.cli.completion.tree`). Each script carries the tree as data and one small
walker that finds the command path typed so far; link names come from
``cloudburst __names`` at Tab time (:mod:`cloudburst.cli.completion.names`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from cloudburst.cli.completion.names import COMMAND as NAMES
from cloudburst.cli.completion.tree import Node, Option

__all__ = ["SHELLS", "render"]


def _spec(values: str | None, choices: tuple[str, ...] = ()) -> str:
    """One value's completion as the scripts read it: ``@connectors``, ``@connections``,
    ``@files``, ``a,b,c`` (choices) or ``-`` (nothing to offer)."""
    if choices:
        return ",".join(choices)
    return f"@{values}" if values else "-"


def _positionals(node: Node) -> str:
    specs = [_spec(values, choices) for values, choices in node.positionals]
    if specs and node.repeats:
        specs[-1] += "+"
    return " ".join(specs)


def _sh(text: str) -> str:
    """A single-quoted bash/zsh word."""
    return "'" + text.replace("'", "'\\''") + "'"


def _fish(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _case(name: str, rows: Iterable[tuple[str, str]], indent: str = "        ") -> str:
    body = "".join(f"{indent}{_sh(key)}) {value};;\n" for key, value in rows)
    return f"{name}() {{\n    case \"$1\" in\n{body}    esac\n}}\n"


def _value_options(node: Node) -> str:
    return " ".join(flag for o in node.options if o.takes_value for flag in o.flags)


def _option_specs(node: Node) -> list[tuple[str, str]]:
    key = " ".join(node.path)
    return [(f"{key} {flag}".strip(), _spec(o.values, o.choices)) for o in node.options if o.takes_value
            for flag in o.flags]


# -- bash ------------------------------------------------------------------------------------

_BASH_MAIN = r"""
_cloudburst_names() {
    local db=() i
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        [[ ${COMP_WORDS[i]} == --db ]] && db=(--db "${COMP_WORDS[i + 1]}")
    done
    "${COMP_WORDS[0]}" __NAMES__ "$1" "${db[@]}" 2>/dev/null
}

_cloudburst_value() {
    local IFS=$'\n'
    case "$1" in
        @connectors|@connections) COMPREPLY=($(compgen -W "$(_cloudburst_names "${1#@}")" -- "$cur")) ;;
        @files) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
        -|"") COMPREPLY=() ;;
        *) COMPREPLY=($(compgen -W "${1//,/$'\n'}" -- "$cur")) ;;
    esac
}

_cloudburst() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD - 1]}"
    local cmdpath="" word i npos=0 skip=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${COMP_WORDS[i]}"
        if ((skip)); then skip=0; continue; fi
        if [[ $word == -* ]]; then
            [[ " $(_cloudburst_value_options "$cmdpath") " == *" $word "* ]] && skip=1
            continue
        fi
        if [[ " $(_cloudburst_commands "$cmdpath") " == *" $word "* ]]; then
            cmdpath="${cmdpath:+$cmdpath }$word"; npos=0
        else
            npos=$((npos + 1))
        fi
    done
    if ((skip)); then
        _cloudburst_value "$(_cloudburst_option_values "${cmdpath:+$cmdpath }$prev")"
        return
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_cloudburst_options "$cmdpath")" -- "$cur"))
        return
    fi
    local commands
    commands="$(_cloudburst_commands "$cmdpath")"
    if [[ -n $commands ]]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        return
    fi
    local kinds
    read -r -a kinds <<< "$(_cloudburst_positionals "$cmdpath")"
    local n=${#kinds[@]} kind="-"
    if ((npos < n)); then
        kind="${kinds[npos]}"
    elif ((n > 0)) && [[ ${kinds[n - 1]} == *+ ]]; then
        kind="${kinds[n - 1]}"
    fi
    _cloudburst_value "${kind%+}"
}

complete -F _cloudburst cloudburst
"""


def _bash(nodes: list[Node]) -> str:
    head = ("# bash completion for cloudburst. Load it with:\n"
            "#   source <(cloudburst completion bash)\n"
            "# or save it as ~/.local/share/bash-completion/completions/cloudburst\n\n")
    data = [
        _case("_cloudburst_commands", ((" ".join(n.path), f"echo {_sh(' '.join(c for c, _ in n.commands))}")
                                       for n in nodes if n.commands)),
        _case("_cloudburst_options", ((" ".join(n.path), f"echo {_sh(' '.join(f for o in n.options for f in o.flags))}")
                                      for n in nodes)),
        _case("_cloudburst_value_options", ((" ".join(n.path), f"echo {_sh(_value_options(n))}")
                                            for n in nodes if _value_options(n))),
        _case("_cloudburst_option_values", ((key, f"echo {_sh(spec)}") for n in nodes for key, spec in _option_specs(n))),
        _case("_cloudburst_positionals", ((" ".join(n.path), f"echo {_sh(_positionals(n))}")
                                          for n in nodes if n.positionals)),
    ]
    return head + "\n".join(data) + _BASH_MAIN.replace("__NAMES__", NAMES)


# -- zsh -------------------------------------------------------------------------------------

_ZSH_MAIN = r"""
_cloudburst_value() {
    local -a names db
    local i
    for ((i = 2; i < CURRENT; i++)); do
        [[ ${words[i]} == --db ]] && db=(--db "${words[i + 1]}")
    done
    case "$1" in
        @connectors|@connections)
            names=(${(f)"$(${words[1]} __NAMES__ ${1#@} $db 2>/dev/null)"})
            compadd -a names ;;
        @files) _files ;;
        -|"") _message 'a value' ;;
        *) compadd -- ${(s:,:)1} ;;
    esac
}

_cloudburst() {
    local cmdpath="" word prev="${words[CURRENT - 1]}" cur="${words[CURRENT]}"
    local -a reply kinds
    local -i i npos=0 skip=0
    for ((i = 2; i < CURRENT; i++)); do
        word="${words[i]}"
        if ((skip)); then skip=0; continue; fi
        if [[ $word == -* ]]; then
            _cloudburst_value_options "$cmdpath"
            ((${reply[(Ie)$word]})) && skip=1
            continue
        fi
        _cloudburst_commands "$cmdpath"
        if ((${reply[(Ie)$word]})) || ((${reply[(I)$word:*]})); then
            cmdpath="${cmdpath:+$cmdpath }$word"; npos=0
        else
            npos+=1
        fi
    done
    if ((skip)); then
        _cloudburst_option_values "${cmdpath:+$cmdpath }$prev"
        _cloudburst_value "$reply"
        return
    fi
    if [[ $cur == -* ]]; then
        _cloudburst_options "$cmdpath"
        _describe -t options option reply
        return
    fi
    _cloudburst_commands "$cmdpath"
    if ((${#reply})); then
        _describe -t commands command reply
        return
    fi
    _cloudburst_positionals "$cmdpath"
    kinds=(${=reply})
    local kind="-"
    if ((npos < ${#kinds})); then
        kind="${kinds[npos + 1]}"
    elif ((${#kinds})) && [[ ${kinds[-1]} == *+ ]]; then
        kind="${kinds[-1]}"
    fi
    _cloudburst_value "${kind%+}"
}

if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then
    _cloudburst "$@"
else
    compdef _cloudburst cloudburst
fi
"""


def _zsh_case(name: str, rows: Iterable[tuple[str, list[str]]]) -> str:
    body = "".join(f"        {_sh(key)}) reply=({' '.join(_sh(w) for w in words)});;\n" for key, words in rows)
    return f"{name}() {{\n    reply=()\n    case \"$1\" in\n{body}    esac\n}}\n"


def _described(name: str, help_text: str) -> str:
    return f"{name.replace(':', chr(92) + ':')}:{help_text}" if help_text else name.replace(":", "\\:")


def _zsh(nodes: list[Node]) -> str:
    head = ("#compdef cloudburst\n"
            "# zsh completion for cloudburst. Save it as _cloudburst in a directory of $fpath\n"
            "# (e.g. cloudburst completion zsh > \"${fpath[1]}/_cloudburst\"), or load it with:\n"
            "#   source <(cloudburst completion zsh)\n\n")
    data = [
        _zsh_case("_cloudburst_commands", ((" ".join(n.path), [_described(c, h) for c, h in n.commands])
                                           for n in nodes if n.commands)),
        _zsh_case("_cloudburst_options", ((" ".join(n.path), [_described(f, o.help) for o in n.options for f in o.flags])
                                          for n in nodes)),
        _zsh_case("_cloudburst_value_options", ((" ".join(n.path), _value_options(n).split())
                                                for n in nodes if _value_options(n))),
        _zsh_case("_cloudburst_option_values", ((key, [spec]) for n in nodes for key, spec in _option_specs(n))),
        _zsh_case("_cloudburst_positionals", ((" ".join(n.path), [_positionals(n)]) for n in nodes if n.positionals)),
    ]
    return head + "\n".join(data) + _ZSH_MAIN.replace("__NAMES__", NAMES)


# -- fish ------------------------------------------------------------------------------------

_FISH_MAIN = r"""
# The command path typed so far (space-separated) and how many positionals follow it.
function __cloudburst_state
    set -l tokens (commandline -opc)
    set -l cmdpath
    set -l npos 0
    set -l skip 0
    for word in $tokens[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        if string match -q -- '-*' $word
            if contains -- $word (__cloudburst_value_options "$cmdpath")
                set skip 1
            end
            continue
        end
        if contains -- $word (__cloudburst_commands "$cmdpath")
            set -a cmdpath $word
            set npos 0
        else
            set npos (math $npos + 1)
        end
    end
    echo "$cmdpath"
    echo $npos
end

# True at command path $argv[1]; with $argv[2], only at that positional ("N+": N or later).
function __cloudburst_at
    set -l state (__cloudburst_state)
    test "$state[1]" = "$argv[1]"; or return 1
    set -q argv[2]; or return 0
    set -l at (string replace '+' '' -- $argv[2])
    if string match -q -- '*+' $argv[2]
        test $state[2] -ge $at
    else
        test $state[2] -eq $at
    end
end

function __cloudburst_names
    set -l tokens (commandline -opc)
    set -l db
    set -l i (contains -i -- --db $tokens)
    and set db --db $tokens[(math $i + 1)]
    $tokens[1] __NAMES__ $argv[1] $db 2>/dev/null
end
"""


def _fish_list(name: str, rows: Iterable[tuple[str, str]]) -> str:
    body = "".join(f"        case {_fish(key)}\n            printf '%s\\n' {value}\n" for key, value in rows)
    return f"function {name}\n    switch \"$argv[1]\"\n{body}    end\nend\n"


def _fish_values(spec: str) -> str:
    if spec in ("@connectors", "@connections"):
        return f" -f -a {_fish('(__cloudburst_names ' + spec[1:] + ')')}"
    if spec == "@files":
        return " -F"
    if spec == "-":
        return " -f"
    return f" -f -a {_fish(' '.join(spec.split(',')))}"


def _fish_option(node: Node, o: Option) -> str:
    where = _fish(f"__cloudburst_at {_fish(' '.join(node.path))}")
    flags = "".join(f" -l {f[2:]}" if f.startswith("--") else f" -s {f[1:]}" for f in o.flags)
    value = (" -r" + _fish_values(_spec(o.values, o.choices))) if o.takes_value else ""
    return f"complete -c cloudburst -n {where}{flags}{value} -d {_fish(o.help)}\n"


def _fish_script(nodes: list[Node]) -> str:
    head = ("# fish completion for cloudburst. Save it with:\n"
            "#   cloudburst completion fish > ~/.config/fish/completions/cloudburst.fish\n\n"
            "complete -c cloudburst -f\n")
    lines: list[str] = []
    for node in nodes:
        path = " ".join(node.path)
        for name, help_text in node.commands:
            where = _fish(f"__cloudburst_at {_fish(path)} 0")
            lines.append(f"complete -c cloudburst -n {where} -a {_fish(name)} -d {_fish(help_text)}\n")
        lines.extend(_fish_option(node, o) for o in node.options)
        specs = _positionals(node).split()
        for index, spec in enumerate(specs):
            at = f"{index}+" if spec.endswith("+") else str(index)
            where = _fish(f"__cloudburst_at {_fish(path)} {at}")
            lines.append(f"complete -c cloudburst -n {where}{_fish_values(spec.rstrip('+'))}\n")
    data = [
        _fish_list("__cloudburst_commands", ((" ".join(n.path), " ".join(_fish(c) for c, _ in n.commands))
                                             for n in nodes if n.commands)),
        _fish_list("__cloudburst_value_options", ((" ".join(n.path), " ".join(_fish(f) for f in _value_options(n).split()))
                                                  for n in nodes if _value_options(n))),
    ]
    return head + _FISH_MAIN.replace("__NAMES__", NAMES) + "\n" + "\n".join(data) + "\n" + "".join(lines)


SHELLS: dict[str, Callable[[list[Node]], str]] = {"bash": _bash, "zsh": _zsh, "fish": _fish_script}


def render(shell: str, nodes: list[Node]) -> str:
    return SHELLS[shell](nodes)
