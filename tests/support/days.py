"""The portal's local day, for tests: deadlines, forms and "not in the future" checks count days in
the portal's timezone (Asia/Shanghai), so tests must too. Between 16:00 and 24:00 UTC the machine's
own date (`datetime.date.today()` on a UTC host) is a day behind it."""
import datetime as dt
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Asia/Shanghai")


def local_today() -> dt.date:
    return dt.datetime.now(ZONE).date()
