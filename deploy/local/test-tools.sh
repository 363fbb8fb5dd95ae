# Sourced by test.sh: the Python tools the tests use (never the service itself) in a
# git-ignored virtual environment, .local/python: Stripe's official SDK, as an independent
# implementation of webhook signatures; aiosmtpd, a real SMTP server for the notification
# emails; standardwebhooks, the reference verifier of the notification webhooks' signatures.
TEST_PYTHON="$REPO_ROOT/.local/python/bin/python"
if ! "$TEST_PYTHON" -c 'import stripe, aiosmtpd, standardwebhooks' >/dev/null 2>&1; then
  echo "[test] installing Python test tools into .local/python" >&2
  if ! python3 -m venv "$REPO_ROOT/.local/python" >/dev/null 2>&1; then
    # Debian splits venv out of python3.
    apt_prefix=(); [ "$(id -u)" -eq 0 ] || apt_prefix=(sudo)
    "${apt_prefix[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${apt_prefix[@]}" apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$REPO_ROOT/.local/python"
  fi
  "$TEST_PYTHON" -m pip install -q --disable-pip-version-check 'stripe>=12' 'aiosmtpd>=1.4' 'standardwebhooks>=1.1'
fi
export BILLING_TEST_PYTHON="$TEST_PYTHON"
