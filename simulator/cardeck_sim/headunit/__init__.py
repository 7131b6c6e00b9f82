"""The head unit's composition root: builds every part and wires them together.

Below it the rooms never import each other: ``service`` (the gRPC servicers),
``ui`` (the Kivy window) and ``bridge`` (the WebSocket bridge) stand on
``state`` and the engines (``maps``, ``voice``, ``browser``, ``install``).
:class:`HeadUnit` builds the store, the catalog, the engines and the servicers,
hands the service what it needs of the UI (its input path for taps, its
renderer for screenshots) as callables, and starts the gRPC server and the
bridge; :func:`serve_forever` adds signals and the window (``cardeck sim``).
``tools/check_layers.py`` checks the layers.

Usage::

    from cardeck_sim.headunit import HeadUnit, ServiceConfig

    unit = HeadUnit(ServiceConfig(port=0))
    port = await unit.start()
    ...
    await unit.stop()
"""

from .._ports import AddressInUseError, refuse_taken_ports
from ._config import ServiceConfig, UiOptions, start_locale
from ._run import serve_forever
from ._unit import HeadUnit

__all__ = [
    "AddressInUseError",
    "HeadUnit",
    "ServiceConfig",
    "UiOptions",
    "refuse_taken_ports",
    "serve_forever",
    "start_locale",
]
