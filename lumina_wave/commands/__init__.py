"""One module per command. Each declares its options once (``SPEC``, :mod:`lumina_wave.options`)
into a frozen options object, and has one ``run(options, context)``
(:class:`lumina_wave.context.Context`); ``add_parser(subparsers)`` builds the options from the
CLI and, for the commands of the container action, ``run_action(runner, context)`` from the
action's inputs. Heavy imports stay inside the functions so a command pays only for what it uses.
"""

# The commands the action's input `command` accepts, each a module of this package.
ACTION_COMMANDS = ("plan", "prepare", "collect", "publish", "summarize", "previous")
# The CLI's commands in the order a wave uses them (plan.py adds validate after plan); a module
# missing here is listed last.
CLI_ORDER = ("previous", "plan", "prepare", "collect", "publish", "finish", "summarize", "local", "demo")
