"""``cloudburst completion bash|zsh|fish``: print a shell completion script for commands,
subcommands, options, and connector and connection link names."""

from __future__ import annotations

import argparse

from cloudburst.cli.dispatch import Context

__all__ = ["HELP", "configure"]

HELP = "print a shell completion script (bash, zsh or fish) for commands, options and link names"

_HOW = """\
load it in your shell:
  bash: source <(cloudburst completion bash)
        (or save it as ~/.local/share/bash-completion/completions/cloudburst)
  zsh:  cloudburst completion zsh > "${fpath[1]}/_cloudburst"   (then start a new shell)
  fish: cloudburst completion fish > ~/.config/fish/completions/cloudburst.fish
"""


def configure(parser: argparse.ArgumentParser) -> None:
    from cloudburst.cli.completion.shells import SHELLS

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = _HOW
    parser.add_argument("shell", choices=sorted(SHELLS), help="the shell to complete in")
    parser.set_defaults(handler=_completion)


def _completion(ctx: Context) -> int:
    from cloudburst.cli.completion.shells import render
    from cloudburst.cli.completion.tree import walk
    from cloudburst.cli.argtree import build_parser

    ctx.out.write(render(ctx.args.shell, walk(build_parser(ctx.out, ctx.err))))
    return 0
