"""The sandboxes' shared outbox: seeded mischief, dispatch after commit, delivery with claim, retry, back-off and
giving up, channels kept apart. A channel of its own ("test") with a recording transport and a recording task."""

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from tests import outbox
from tuishou.core.errors import InvalidInput
from tuishou.core.signing import signature_verify
from tuishou.payments.errors import PaymentError
from tuishou.payments.sandbox_models import SandboxCallback
from tuishou.sandboxes.models import OutboxCallback
from tuishou.sandboxes.outbox import MAX_ATTEMPTS, OutboxBehaviour, OutboxChannel, delivery_delays, event_body_parse
from tuishou.wallets.sandbox_models import SandboxPayoutCallback

pytestmark = pytest.mark.django_db
WEBHOOK = "/test/webhook"


class RecordingTask:
    """Stands in for a django-tasks task: records each enqueue and its ``run_after`` (None: at once)."""

    def __init__(self, *, supports_defer: bool) -> None:
        self.enqueued: list = []
        self.backend = SimpleNamespace(supports_defer=supports_defer)

    def get_backend(self):
        return self.backend

    def enqueue(self):
        self.enqueued.append(None)

    def using(self, *, run_after):
        return SimpleNamespace(enqueue=lambda: self.enqueued.append(run_after))


class Webhook:
    """Answers each POST with the next status (an exception is raised); records what was sent."""

    def __init__(self, *answers) -> None:
        self.answers, self.sent = list(answers), []

    def __call__(self, path, body, headers):
        self.sent.append((path, body, dict(headers)))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


@dataclass(frozen=True, kw_only=True)
class FlakyBehaviour(OutboxBehaviour):
    failure_rate: float = 0.0

    def rates(self):
        return (self.duplicate_rate, self.failure_rate)


@pytest.fixture(autouse=True)
def _transports(settings):
    """Each test routes its channels' deliveries in a setting of its own (put back afterwards)."""
    settings.TUISHOU_OUTBOX_TRANSPORTS = {}


def _channel(webhook=None, *, behaviour=None, supports_defer=True, name="test"):
    routes = django_settings.TUISHOU_OUTBOX_TRANSPORTS  # this test's own dict (see _transports)
    if webhook is None:
        routes.pop(name, None)
    else:
        routes[name] = webhook
    return OutboxChannel(name=name, event_prefix="tevt_", header_prefix="X-Test", secret=lambda: "test-secret",
                         webhook_path=lambda: WEBHOOK, task=RecordingTask(supports_defer=supports_defer),
                         behaviour=behaviour or OutboxBehaviour())


def _callback(channel_name="test", **fields):
    values = {"event_id": "tevt_1", "type": "thing.happened", "body": '{"event_id":"tevt_1"}',
              "deliver_after": timezone.now(), **fields}
    return OutboxCallback.objects.create(channel=channel_name, **values)


# ---- mischief --------------------------------------------------------------------------------------------------

def test_the_same_seed_gives_the_same_delays_and_duplicates():
    behaviour = OutboxBehaviour(duplicate_rate=0.5, delay_seconds=(0, 30), seed=7)
    first, again = _channel(behaviour=behaviour), _channel(behaviour=behaviour)
    assert [first.delays() for _ in range(6)] == [again.delays() for _ in range(6)] == [
        [10], [12], [2], [3, 4], [29], [1, 14]]  # a redelivery never comes before the first delivery


def test_a_good_sandbox_delivers_once_and_at_once():
    assert delivery_delays(OutboxBehaviour(), random.Random(1)) == [0]


@pytest.mark.parametrize("bad", [{"duplicate_rate": 1.5}, {"delay_seconds": (5, 1)}, {"delay_seconds": (-1, 0)},
                                 {"failure_rate": -0.1}])
def test_nonsense_behaviour_is_refused_including_a_sandboxs_own_rates(bad):
    with pytest.raises(ValueError, match="rates must be within 0–1"):
        FlakyBehaviour(**bad)


def test_a_chance_follows_the_channels_seed_and_behave_reseeds():
    channel = _channel(behaviour=FlakyBehaviour(failure_rate=0.5, seed=3))
    draws = [channel.chance(0.5) for _ in range(8)]
    channel.behave(FlakyBehaviour(failure_rate=0.5, seed=3))
    assert [channel.chance(0.5) for _ in range(8)] == draws
    assert (channel.chance(0.0), channel.chance(1.0)) == (False, True)


def test_behave_without_a_behaviour_restores_the_channels_own():
    channel = _channel(behaviour=OutboxBehaviour(seed=5))
    channel.behave(OutboxBehaviour(duplicate_rate=1.0, reorder=True))
    assert channel.behave() == channel.behaviour == OutboxBehaviour(seed=5)


# ---- scheduling and dispatch -----------------------------------------------------------------------------------

def test_an_event_with_a_duplicate_is_two_rows_sent_by_deferred_tasks_after_commit(
        django_capture_on_commit_callbacks):
    channel = _channel(behaviour=OutboxBehaviour(duplicate_rate=1.0, delay_seconds=(10, 10)))
    with django_capture_on_commit_callbacks() as waiting:
        rows = channel.schedule("thing.happened", thing_id="T1", amount="1.00")
        assert channel.task.enqueued == []  # nothing leaves before the sandbox's transaction commits
    first, duplicate = rows
    assert (first.channel, first.copy, duplicate.copy, first.event_id) == ("test", 0, 1, duplicate.event_id)
    assert first.event_id.startswith("tevt_")
    body = json.loads(first.body)
    occurred_at = datetime.fromisoformat(body["occurred_at"])
    assert (first.deliver_after - occurred_at, duplicate.deliver_after - occurred_at) == (
        timedelta(seconds=10), timedelta(seconds=20))  # the redelivery comes a delay after the first
    assert sorted(body) == ["amount", "event_id", "occurred_at", "thing_id", "type"]
    assert (body["type"], body["thing_id"], body["amount"]) == ("thing.happened", "T1", "1.00")
    for callback in waiting:
        callback()
    assert channel.task.enqueued == [first.deliver_after, duplicate.deliver_after]


def test_a_callback_due_at_once_is_enqueued_at_once_and_without_defer_waits_for_deliver_due(
        django_capture_on_commit_callbacks):
    now_channel, no_defer = _channel(), _channel(behaviour=OutboxBehaviour(delay_seconds=(60, 60)),
                                                 supports_defer=False)
    with django_capture_on_commit_callbacks(execute=True):
        now_channel.schedule("thing.happened")
        no_defer.schedule("thing.happened")
    assert (now_channel.task.enqueued, no_defer.task.enqueued) == ([None], [])


# ---- delivery --------------------------------------------------------------------------------------------------

def test_a_delivery_is_signed_now_with_the_channels_secret_and_headers():
    webhook = Webhook(200)
    callback = _callback()
    status = _channel(webhook).deliver(callback=callback)
    [(path, body, headers)] = webhook.sent
    assert (status, path, body) == (200, WEBHOOK, callback.body.encode())
    signature_verify(headers=headers, body=body, secret="test-secret", header_prefix="X-Test", codes=PaymentError,
                     error=InvalidInput)
    assert (callback.attempts, callback.last_status, callback.last_error) == (1, 200, "")
    assert callback.delivered_at is not None


def test_failed_deliveries_back_off_doubling_then_give_up_after_the_last_attempt(
        django_capture_on_commit_callbacks):
    # given a webhook that answers 503 every time
    channel = _channel(Webhook(503))
    callback = _callback()
    now = timezone.now()
    waits, retries = [], []
    # when each retry is attempted as soon as it falls due
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(MAX_ATTEMPTS):
            channel.deliver_due(now=now)
            callback.refresh_from_db()
            if not callback.gave_up:
                waits.append((callback.deliver_after - now).total_seconds())
                now = callback.deliver_after
                retries.append(now)
    # then it waited 30 s, 60 s, 120 s, 240 s, 480 s (each retry a deferred task) and gave up on the sixth attempt
    assert waits == [30, 60, 120, 240, 480]
    assert channel.task.enqueued == retries
    assert (callback.attempts, callback.gave_up, callback.last_status, callback.delivered_at) == (
        MAX_ATTEMPTS, True, 503, None)
    assert channel.deliver_due(now=now + timedelta(days=30)) == []  # never tried again


def test_a_webhook_that_cannot_be_reached_is_retried_and_the_error_kept():
    channel = _channel(Webhook(ConnectionRefusedError("webhook down"), 204))
    callback = _callback()
    now = timezone.now()
    assert channel.deliver(callback=callback, now=now) is None
    assert (callback.attempts, callback.last_status, callback.delivered_at, callback.deliver_after) == (
        1, None, None, now + timedelta(seconds=30))
    assert "webhook down" in callback.last_error
    assert channel.deliver_due(now=now + timedelta(seconds=29)) == []
    assert [c.pk for c in channel.deliver_due(now=now + timedelta(seconds=30))] == [callback.pk]
    callback.refresh_from_db()
    assert (callback.attempts, callback.last_status, callback.last_error) == (2, 204, "")


def test_a_delivery_another_worker_claimed_is_not_sent_again():
    webhook = Webhook(200)
    callback = _callback()
    stale_copy = OutboxCallback.objects.get(pk=callback.pk)
    _channel(webhook).deliver(callback=callback)
    assert _channel(webhook).deliver(callback=stale_copy) is None
    assert len(webhook.sent) == 1
    assert OutboxCallback.objects.get(pk=callback.pk).attempts == 1


def test_callbacks_due_together_go_oldest_first_or_newest_first_with_reorder():
    at = timezone.now()
    older, newer = _callback(event_id="tevt_a", deliver_after=at), _callback(event_id="tevt_b", deliver_after=at)
    webhook = Webhook(500)
    assert [c.pk for c in _channel(webhook).deliver_due(now=at)] == [older.pk, newer.pk]
    reordered = _channel(webhook, behaviour=OutboxBehaviour(reorder=True))
    assert [c.pk for c in reordered.deliver_due(now=at + timedelta(seconds=30))] == [newer.pk, older.pk]


# ---- channels ----------------------------------------------------------------------------------------------------

def test_each_channel_delivers_only_its_own_callbacks():
    ours, theirs = _callback(), _callback(channel_name="other")
    webhook = Webhook(200)
    assert [c.pk for c in _channel(webhook).deliver_due(now=timezone.now())] == [ours.pk]
    assert OutboxCallback.objects.get(pk=theirs.pk).attempts == 0


def test_the_sandboxes_proxies_see_and_create_only_their_channels_rows():
    payment = SandboxCallback.objects.create(event_id="evt_1", type="payment.succeeded", body="{}",
                                             deliver_after=timezone.now())
    payout = SandboxPayoutCallback.objects.create(event_id="pevt_1", type="payout.succeeded", body="{}",
                                                  deliver_after=timezone.now())
    other = _callback()
    assert (payment.channel, payout.channel) == ("payment", "payout")
    assert list(SandboxCallback.objects.values_list("pk", flat=True)) == [payment.pk]
    assert list(SandboxPayoutCallback.objects.values_list("pk", flat=True)) == [payout.pk]
    assert (OutboxCallback.objects.count(), other.channel) == (3, "test")


# ---- reading a callback body -------------------------------------------------------------------------------------

def test_a_callback_body_is_read_into_checked_fields():
    body = (b'{"event_id":"tevt_1","type":"thing.happened","thing_id":"T1","amount":"12.30","extra":1,'
            b'"occurred_at":"2026-01-01T08:00:00+08:00"}')
    data, fields = event_body_parse(body, kinds=frozenset({"thing.happened"}), required=("event_id", "thing_id"))
    assert fields == {"event_id": "tevt_1", "thing_id": "T1", "type": "thing.happened", "amount": Decimal("12.30"),
                      "occurred_at": datetime(2026, 1, 1, tzinfo=UTC)}
    assert data["extra"] == 1


@pytest.mark.parametrize("body", [
    b"not json", b"[1, 2]", b'{"type":"other.thing","amount":"1.00","event_id":"e"}',
    b'{"type":"thing.happened","amount":1.0,"event_id":"e"}', b'{"type":"thing.happened","amount":"1.00"}',
    b'{"type":"thing.happened","amount":"1.00","event_id":""}',
    b'{"type":"thing.happened","amount":"1.001","event_id":"e"}',
    b'{"type":["x"],"amount":"1.00","event_id":"e"}',
    b'{"type":"thing.happened","amount":"1.00","event_id":"e","occurred_at":"2026-13-45T00:00:00"}',
])
def test_anything_else_is_no_event_body(body):
    with pytest.raises(ValueError):
        event_body_parse(body, kinds=frozenset({"thing.happened"}), required=("event_id",))



@pytest.mark.django_db
def test_a_channel_sends_through_the_transport_the_setting_names_by_dotted_path():
    # given a transport named by its dotted path, as a deployment would name one
    outbox.RECORDED.clear()
    django_settings.TUISHOU_OUTBOX_TRANSPORTS = {"test": "tests.outbox.recording_transport"}
    callback = _callback()
    channel = OutboxChannel(name="test", event_prefix="tevt_", header_prefix="X-Test", secret=lambda: "test-secret",
                            webhook_path=lambda: WEBHOOK, task=RecordingTask(supports_defer=True),
                            behaviour=OutboxBehaviour())

    # when the channel delivers, the callback goes through it
    status = channel.deliver(callback=callback)

    assert (status, outbox.RECORDED) == (204, [(WEBHOOK, callback.body.encode())])
    assert OutboxCallback.objects.get().delivered_at is not None
