"""gunicorn reads this file from the folder it starts in (the project folder) when no --config is
given (development, the tests); command-line options still choose workers and the address. It holds
only what the portal's metrics need. Production uses deploy/gunicorn.conf.py, which has the same hook."""
import os


def child_exit(server, worker):
    """A worker has exited: prometheus-client's multiprocess mode stops counting its live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
