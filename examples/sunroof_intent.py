"""Custom voice intent: let the driver say "open the sunroof" and answer with a sentence.

The head unit's recogniser only hears phrases it has been told about, so an
OEM client registers its own intents; when an utterance matches one, the
head unit calls this client, speaks the sentence it answers, and shows it in
the voice panel. The intents stay registered while this script runs.

Moving glass is actuation, so both intents are registered as actuating: the
head unit first asks "Open the sunroof?" and calls this client only after the
driver says "yes" (or taps Yes); a "no", another command or silence until the
timeout leaves the sunroof alone.

Run a head unit first (``cardeck sim --headless``), then::

    python examples/sunroof_intent.py               # wait for the driver; Ctrl-C to stop
    python examples/sunroof_intent.py --self-test   # speak both phrases into the simulator

Registering needs the ``voice:intents`` scope; ``--self-test`` also needs
``sim:control`` (audio injection exists only on the simulator) and espeak-ng.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

import cardeck
from cardeck import IntentInvocation, IntentSpec

# The name the head unit shows as the intents' owner, and prefixes their ids with.
CLIENT_NAME = "sunroof-example"

# Several phrasings per intent: drivers do not read manuals. Each phrase may be
# registered by one client only; a second client gets AlreadyExistsError.
INTENTS = {
    "open_sunroof": IntentSpec(["open the sunroof", "open sunroof"], actuating=True),
    "close_sunroof": IntentSpec(["close the sunroof", "close sunroof"], actuating=True),
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
    """Stands in for the body controller that really moves the glass."""

    def __init__(self) -> None:
        self.is_open = False
        # The handler runs on the SDK's intent thread; the lock keeps the state
        # consistent if main code reads it at the same time.
        self._lock = threading.Lock()

    def handle(self, invocation: IntentInvocation) -> str:
        """Act on an invocation and return the sentence the head unit speaks."""
        print(f"  invoked: {invocation.intent_id} (heard {invocation.transcript!r})", flush=True)
        want_open = invocation.intent_id == "open_sunroof"
        with self._lock:
            if self.is_open == want_open:
                return f"The sunroof is already {'open' if want_open else 'closed'}."
            self.is_open = want_open
        return "Opening the sunroof." if want_open else "Closing the sunroof."


def self_test(client: cardeck.Client) -> None:
    """Speak each phrase with espeak-ng and play it into the simulator's microphone."""
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", default="127.0.0.1:50051", help="head unit host:port")
    parser.add_argument("--token", default=None, help="bearer token (voice:intents)")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="inject the phrases as audio into the simulator, print the results and exit",
    )
    args = parser.parse_args(argv)

    sunroof = Sunroof()
    stop = threading.Event()
    # SIGTERM (a service manager stopping us) ends the script like Ctrl-C does,
    # so the intents are unregistered cleanly either way.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        with cardeck.connect(args.target, token=args.token) as client:
            with client.voice.register_intents(CLIENT_NAME, INTENTS, sunroof.handle) as session:
                print(f"Registered {', '.join(session.intent_ids)} as {CLIENT_NAME}.", flush=True)
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
            print(f"Unregistered; the sunroof is {'open' if sunroof.is_open else 'closed'}.")
    except cardeck.AlreadyExistsError as exc:
        print(f"Another client already holds a sunroof phrase: {exc}", file=sys.stderr)
        return 1
    except cardeck.CarDeckError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
