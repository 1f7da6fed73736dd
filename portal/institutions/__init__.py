"""The registry of training institutions (校外培训机构), keyed by USCC where they have one."""
