"""`tuishou check --deploy` on a production configuration (issue 12, items 2 and 6): DEBUG=0, a strong SECRET_KEY
and ALLOWED_HOSTS are enough for no warning at all; a sandbox left in use is an error that says why."""

import os
import subprocess
import sys

STRONG_KEY = "k3Jd9-Qw8Zr_Lp2Xv7Nc4Tb6Ym1Hs5Gf0Ue3Wa8Ro2Ki9Pj4Dl7Mn6Bq1Vz5Cx0Ey3"


def _check_deploy(tmp_path, **extra) -> subprocess.CompletedProcess:
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": "shop.example.com",
           "TUISHOU_TESTING": "0", "TUISHOU_DATA_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}", **extra}
    # Nothing of the test run leaks in (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE, which --deploy refuses).
    for name in ("PYTEST_CURRENT_TEST", "TUISHOU_ALLOW_SANDBOX", "TUISHOU_TASKS_BACKEND", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        if name not in extra:
            env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "tuishou.cli", "check", "--deploy"], env=env,
                          capture_output=True, text=True, timeout=120)


def test_a_production_configuration_passes_check_deploy_without_a_warning(tmp_path):
    done = _check_deploy(tmp_path, TUISHOU_ALLOW_SANDBOX="1")  # no real provider exists yet: see the next test
    assert (done.returncode, done.stdout.strip(), done.stderr.strip()) == (
        0, "System check identified no issues (0 silenced).", "")


def test_a_sandbox_left_in_use_in_production_fails_check_deploy_and_says_why(tmp_path):
    done = _check_deploy(tmp_path)
    assert done.returncode == 1
    assert "tuishou.E001" in done.stderr and "TUISHOU_ALLOW_SANDBOX=1" in done.stderr
    assert "identified 1 issue" in done.stderr


def test_each_https_setting_switches_off_for_a_tls_terminating_proxy(tmp_path):
    done = _check_deploy(tmp_path, TUISHOU_ALLOW_SANDBOX="1", TUISHOU_SSL_REDIRECT="0")
    assert done.returncode == 0 and "security.W008" in done.stderr + done.stdout
