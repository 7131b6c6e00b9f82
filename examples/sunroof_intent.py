"""Custom voice intent and VSS actuator: one sunroof, opened by voice or through the val API.

The head unit's recogniser only hears phrases it has been told about, so an
OEM client registers its own intents; when an utterance matches one, the
head unit calls this client, speaks the sentence it answers, and shows it in
the voice panel. The intents stay registered while this script runs.

Moving glass is actuation, so both intents are registered as actuating: the
head unit first asks "Open the sunroof?" and calls this client only after the
driver says "yes" (or taps Yes); a "no", another command or silence until the
timeout leaves the sunroof alone.

The same sunroof is also the provider of the VSS actuator
``Vehicle.Cabin.Sunroof.Switch`` (KUKSA val v2 ``OpenProviderStream``): a
Velocitas app or ``kuksa-client`` that actuates it (``OPEN``, ``CLOSE``, …)
moves this sunroof. Either way in, the script publishes
``Vehicle.Cabin.Sunroof.Position`` (100 open, 0 closed, -100 tilted) and the
switch, and prints one line (flushed at once, for whoever watches)::

      invoked: open_sunroof (heard 'open the sunroof')         # by voice
      actuated: Vehicle.Cabin.Sunroof.Switch=OPEN, position 100  # through the val API

Run a head unit first (``cardeck sim --headless``), then::

    python examples/sunroof_intent.py               # wait for the driver; Ctrl-C to stop
    python examples/sunroof_intent.py --self-test   # speak the phrases, then actuate

and from another shell ``cardeck call signals actuate Vehicle.Cabin.Sunroof.Switch=OPEN``.

Registering needs the ``voice:intents`` scope, providing and publishing
``vehicle:write``; ``--self-test`` also needs ``sim:control`` (audio injection
exists only on the simulator) and espeak-ng.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Mapping

import cardeck
from cardeck import IntentInvocation, IntentSpec
from cardeck.vss import SignalScalar

# The name the head unit shows as the intents' owner, and prefixes their ids with.
CLIENT_NAME = "sunroof-example"

# Several phrasings per intent: drivers do not read manuals. Each phrase may be
# registered by one client only; a second client gets AlreadyExistsError.
INTENTS = {
    "open_sunroof": IntentSpec(["open the sunroof", "open sunroof"], actuating=True),
    "close_sunroof": IntentSpec(["close the sunroof", "close sunroof"], actuating=True),
}

SWITCH = "Vehicle.Cabin.Sunroof.Switch"
POSITION = "Vehicle.Cabin.Sunroof.Position"
# Where each switch value moves the glass (VSS: 0 closed, 100 open, -100 tilted);
# INACTIVE stops it where it is.
TARGETS = {
    "OPEN": 100,
    "ONE_SHOT_OPEN": 100,
    "CLOSE": 0,
    "ONE_SHOT_CLOSE": 0,
    "TILT_UP": -100,
    "TILT_DOWN": 0,
}

# Each command, then the driver's answer to the head unit's question.
SELF_TEST_PHRASES = [
    "open the sunroof",
    "yes please",
    "close the sunroof",
    "no thanks",
    "close the sunroof",
    "yes please",
]


class Sunroof:
    """Stands in for the body controller that really moves the glass.

    ``publish`` sends signal values to the head unit: the provider's own
    ``publish``, since only the provider of a signal may publish it.
    """

    def __init__(self) -> None:
        self.position = 0
        self.publish: Callable[[Mapping[str, SignalScalar]], None] = lambda values: None
        # Voice invocations and actuations arrive on two SDK threads; the lock
        # makes each move whole.
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self.position > 0

    @property
    def state(self) -> str:
        return "open" if self.position > 0 else ("tilted" if self.position < 0 else "closed")

    def handle(self, invocation: IntentInvocation) -> str:
        """Act on a voice invocation and return the sentence the head unit speaks."""
        print(f"  invoked: {invocation.intent_id} (heard {invocation.transcript!r})", flush=True)
        want_open = invocation.intent_id == "open_sunroof"
        with self._lock:
            if self.is_open == want_open:
                return f"The sunroof is already {'open' if want_open else 'closed'}."
            self.position = 100 if want_open else 0
        # The val API hears of it too: the same signals as an actuation publishes.
        self.publish({POSITION: self.position, SWITCH: "OPEN" if want_open else "CLOSE"})
        return "Opening the sunroof." if want_open else "Closing the sunroof."

    def actuate(self, path: str, value: SignalScalar) -> dict[str, SignalScalar]:
        """Act on an actuation of the switch; the SDK publishes what this returns."""
        with self._lock:
            self.position = TARGETS.get(str(value), self.position)
            position = self.position
        print(f"  actuated: {path}={value}, position {position}", flush=True)
        return {POSITION: position, SWITCH: str(value)}


def self_test(client: cardeck.Client) -> None:
    """Speak each phrase into the simulator's microphone, then actuate the switch twice."""
    try:
        # Simulator only: a car has a real microphone and no speech synthesiser for us.
        from cardeck_sim.voice import synthesize
    except ImportError:
        raise SystemExit(
            "--self-test needs the simulator package: pip install 'cardeck[sim]'."
        ) from None
    for phrase in SELF_TEST_PHRASES:
        wav = synthesize(phrase, "en-us", 150)
        understood = client.simulator.inject_audio(wav)
        print(
            f"said {phrase!r}: heard {understood.transcript!r}, intent "
            f"{understood.intent_id or '(none)'}, answer {understood.action_result!r} "
            f"({len(understood.answer_wav)} bytes of speech)",
            flush=True,
        )
    positions = client.signals.subscribe([POSITION])
    try:
        next(positions)  # the current position
        for value in ("OPEN", "CLOSE"):
            # Actuate returns once the provider (this script) has the request;
            # the position it publishes then arrives on the subscription.
            client.signals.actuate(SWITCH, value)
            want = TARGETS[value]
            position = next(c for c in positions if c.values.get(POSITION) == want)
            print(f"actuate {SWITCH}={value}: position {position.values[POSITION]}", flush=True)
    finally:
        positions.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="127.0.0.1:50051", help="head unit host:port")
    parser.add_argument(
        "--token", default=None, help="bearer token (voice:intents and vehicle:write)"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="inject the phrases as audio into the simulator, print the results and exit",
    )
    args = parser.parse_args(argv)

    stop = threading.Event()
    # SIGTERM (a service manager stopping us) ends the script like Ctrl-C does,
    # so the intents are unregistered cleanly either way.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with cardeck.connect(args.target, token=args.token) as client:
            sunroof = Sunroof()
            with (
                client.signals.provide([SWITCH], sunroof.actuate, publishes=[POSITION]) as provider,
                client.voice.register_intents(CLIENT_NAME, INTENTS, sunroof.handle) as session,
            ):
                sunroof.publish = provider.publish
                print(f"Registered {', '.join(session.intent_ids)} as {CLIENT_NAME}.", flush=True)
                print(f"Providing {SWITCH}.", flush=True)
                if args.self_test:
                    self_test(client)
                else:
                    print('Listening: say "open the sunroof". Ctrl-C to stop.', flush=True)
                    try:
                        # wait() with a timeout, in a loop: a bare wait() would
                        # not let Ctrl-C interrupt it on every platform.
                        while not stop.wait(0.5):
                            pass
                    except KeyboardInterrupt:
                        pass
            print(f"Unregistered; the sunroof is {sunroof.state}.")
    except cardeck.AlreadyExistsError as exc:
        print(
            f"Another client already holds a sunroof phrase or the switch: {exc}", file=sys.stderr
        )
        return 1
    except cardeck.CarDeckError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
