"""gunicorn reads this file from the folder it starts in (the project folder); command-line options
still choose workers and the address. It holds only what the portal's metrics need."""
import os


def child_exit(server, worker):
    """A worker has exited: prometheus-client's multiprocess mode stops counting its live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
