"""Accounts: creation, password policy and hashing, TOTP, recovery codes, sessions, scope."""
import datetime as dt

import pyotp
import pytest

from portal.accounts import passwords, service, totp
from portal.accounts.models import Role
from portal.extensions import db
from portal.regions.service import RegionNotFound
from portal.security import audit

NOW = dt.datetime(2026, 11, 22, 8, 0, tzinfo=dt.timezone.utc)


def handler(username="wang.handler", region="330106"):
    return service.create_user(username, "王执法", Role.HANDLER, region, "浙杭执字33010600123")


def test_create_user_gives_a_one_time_password_that_must_be_changed(ctx):
    user, one_time = handler()
    assert user.must_change_password and user.session_version == 1
    assert one_time not in user.password_hash and user.password_hash.startswith("$argon2id$")
    assert service.authenticate("wang.handler", one_time).id == user.id
    assert [e.action for e in audit.for_object("user", user.id)] == ["user.created"]


@pytest.mark.parametrize("args,problem", [
    (("Bad Name", "x", Role.ADMIN, "330100"), "username"),
    (("ok.name", "x", Role.HANDLER, "330106"), "certificate"),
    (("ok.name", "x", Role.REVIEWER, "330106"), "certificate"),
])
def test_create_user_refuses(ctx, args, problem):
    with pytest.raises(service.AccountError, match=problem):
        service.create_user(*args)


def test_usernames_are_unique_and_regions_real(ctx):
    handler()
    with pytest.raises(service.AccountError, match="taken"):
        handler()
    with pytest.raises(RegionNotFound):
        service.create_user("someone", "x", Role.ADMIN, "999999")


def test_every_sign_in_failure_is_the_same_exception(ctx):
    user, one_time = handler()
    for name, password in (("wang.handler", "wrong password!"), ("nobody", one_time), ("", "")):
        with pytest.raises(service.SignInFailed):
            service.authenticate(name, password)
    service.disable(user, "user:1", "left the bureau")
    with pytest.raises(service.SignInFailed):
        service.authenticate("wang.handler", one_time)


@pytest.mark.parametrize("password,reason", [
    ("Short1!", "length"), ("password1234", "common"), ("qwertyuiop123", "common"),
    ("wang.handler2026", "common"),
])
def test_password_policy(password, reason):
    with pytest.raises(passwords.WeakPassword) as refused:
        passwords.check_policy(password, ["wang.handler", "王执法"])
    assert refused.value.reason == reason


def test_changing_the_password_ends_other_sessions(ctx):
    user, _ = handler()
    service.change_password(user, "浙江西湖 tide-lantern 9")
    assert user.session_version == 2 and not user.must_change_password
    assert service.authenticate("wang.handler", "浙江西湖 tide-lantern 9")


def test_totp_enrolment_and_a_code_is_good_only_once(ctx):
    user, _ = handler()
    with pytest.raises(service.SecondFactorFailed):  # not before the one-time password is replaced
        service.confirm_totp(user, pyotp.TOTP(service.begin_totp(user)).at(NOW), NOW)
    service.change_password(user, "浙江西湖 tide-lantern 9")
    secret = service.begin_totp(user)
    assert secret not in (user.totp_secret or b"").decode("latin-1")  # stored encrypted
    with pytest.raises(service.SecondFactorFailed):
        service.confirm_totp(user, "000000", NOW)
    codes = service.confirm_totp(user, pyotp.TOTP(secret).at(NOW), NOW)
    assert len(codes) == 10 and len(set(codes)) == 10
    later = NOW + dt.timedelta(seconds=30)
    assert service.verify_second_factor(user, pyotp.TOTP(secret).at(later), later) == "totp"
    with pytest.raises(service.SecondFactorFailed):  # the same code again: refused
        service.verify_second_factor(user, pyotp.TOTP(secret).at(later), later)
    with pytest.raises(service.SecondFactorFailed):  # an older code: refused
        service.verify_second_factor(user, pyotp.TOTP(secret).at(NOW), later)
    with pytest.raises(service.SecondFactorFailed):  # enrolment happens once
        service.confirm_totp(user, pyotp.TOTP(secret).at(later + dt.timedelta(seconds=30)),
                             later + dt.timedelta(seconds=30))


def test_recovery_codes_work_once_in_any_case(ctx):
    user, _ = handler()
    service.change_password(user, "浙江西湖 tide-lantern 9")
    secret = service.begin_totp(user)
    codes = service.confirm_totp(user, pyotp.TOTP(secret).at(NOW), NOW)
    assert service.verify_second_factor(user, codes[0].lower(), NOW) == "recovery"
    with pytest.raises(service.SecondFactorFailed):
        service.verify_second_factor(user, codes[0], NOW)


def test_jurisdiction_covers_what_lies_inside(ctx):
    city, _ = service.create_user("hz.admin", "杭州", Role.ADMIN, "330100")
    county, _ = handler()
    province, _ = service.create_user("zj.admin", "浙江", Role.ADMIN, "330000")
    assert service.covers(city, "330106") and service.covers(city, "330113")
    assert not service.covers(city, "630106") and not service.covers(county, "330102")
    assert service.covers(province, "330106") and not service.covers(province, "110105")


def test_totp_window_tolerates_one_step_of_drift():
    secret = totp.new_secret()
    assert totp.matching_step(secret, pyotp.TOTP(secret).at(NOW - dt.timedelta(seconds=30)), NOW) is not None
    assert totp.matching_step(secret, pyotp.TOTP(secret).at(NOW - dt.timedelta(seconds=90)), NOW) is None
    assert totp.matching_step(secret, "12345", NOW) is None


def test_create_user_command_prints_a_one_time_password(runner, app):
    result = runner.invoke(args=["create-user", "--username", "li.reviewer", "--role", "reviewer",
                                 "--region", "330100", "--certificate", "浙杭审字001"])
    assert result.exit_code == 0, result.output
    one_time = result.output.split("one-time password: ")[1].strip()
    with app.app_context():
        assert service.authenticate("li.reviewer", one_time).role is Role.REVIEWER
    refused = runner.invoke(args=["create-user", "--username", "x.h", "--role", "handler", "--region", "330100"])
    assert refused.exit_code != 0 and "--certificate" in refused.output
    refused = runner.invoke(args=["create-user", "--username", "y.y", "--role", "admin", "--region", "999999"])
    assert refused.exit_code != 0 and "no division" in refused.output


def test_one_recovery_code_used_twice_at_once_signs_in_once(tmp_path, database_url, session_app):
    """Two requests with the same code, in separate transactions, committing: one wins."""
    import threading

    from portal import models  # noqa: F401
    from portal.accounts.models import User
    from tests.support.apps import make_app
    from tests.support.databases import isolated_database

    with isolated_database(database_url, "recovery_race", tmp_path) as url:
        app = make_app(tmp_path, url)
        with app.app_context():
            db.create_all()
            from portal.regions import service as regions_service

            regions_service.load()
            user, _ = handler()
            service.change_password(user, "浙江西湖 tide-lantern 9")
            secret = service.begin_totp(user)
            codes = service.confirm_totp(user, pyotp.TOTP(secret).at(NOW), NOW)
            db.session.commit()
            user_id = user.id
        results, start = [], threading.Barrier(2, timeout=20)

        def use() -> None:
            start.wait()  # before any query: on SQLite the first write transaction takes the lock
            with app.app_context():
                account = db.session.get(User, user_id)
                try:
                    results.append(service.verify_second_factor(account, codes[0], NOW))
                    db.session.commit()
                except service.SecondFactorFailed:
                    results.append("refused")
                    db.session.rollback()

        threads = [threading.Thread(target=use) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        assert sorted(results) == ["recovery", "refused"]
