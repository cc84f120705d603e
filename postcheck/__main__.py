from postcheck.cli import entry

entry()
