"""Gunicorn settings for the portal's web service (`deploy/systemd/portal-web.service` loads this file).

Every value can be overridden from the service's environment file, so the file itself stays as shipped.
"""
import multiprocessing
import os

# nginx on the same host forwards to this address; nothing else should reach it.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two workers per core, at least two: each request is short and mostly waits on the database.
workers = int(os.environ.get("GUNICORN_WORKERS", max(2, multiprocessing.cpu_count() * 2)))
worker_class = "sync"
# A request that runs this long is stuck (the portal's slowest page answers in well under a second).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# Replace workers now and then so a slow leak can never grow without bound.
max_requests = 5000
max_requests_jitter = 500
# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# No gunicorn access log: it would write client addresses, which the portal promises not to keep.
# The portal writes its own request lines without them.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# The proxy's X-Forwarded-* headers are read by the portal itself (PORTAL_TRUSTED_PROXIES).
forwarded_allow_ips = "127.0.0.1"
proc_name = "portal-web"
# systemd manages the service (reload, stop); gunicorn's own control socket would sit in $HOME.
control_socket_disable = True


def child_exit(server, worker):
    """A worker has exited: prometheus-client's multiprocess mode stops counting its live gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
