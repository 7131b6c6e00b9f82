"""Experiment: how close can any typed per-event object get to the raw stub?

Not part of ``make bench``. The SDK's stream goal (>= 0.90x the raw stub) is
not met; this measures why. Next to the raw stub's batch loop it reads the
same replayed stream wrapping every event in

- a bare Python object (one slot, one assignment): what any pure-Python
  typed model must at least cost;
- a C-implemented object that stores the message and its seq, compiled here
  with the system C compiler into a temporary directory;
- a Python subclass of that C object (where typed properties would live);
- the SDK's ``stream.batches()``.

Run: ``.venv/bin/python bench/experiments/typed_event_floor.py`` (needs gcc
and the Python headers; says so when they are missing).
"""

from __future__ import annotations

import asyncio
import importlib.util
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import bench_events as b  # noqa: E402

C_SOURCE = r"""
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

typedef struct { PyObject_HEAD PyObject *msg; PyObject *seq; } CEvent;
static PyObject *seq_name;

static PyObject *CEvent_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    PyObject *msg;
    if (!PyArg_UnpackTuple(args, "CEvent", 1, 1, &msg)) return NULL;
    PyObject *seq = PyObject_GetAttr(msg, seq_name);
    if (!seq) return NULL;
    CEvent *self = (CEvent *)type->tp_alloc(type, 0);
    if (!self) { Py_DECREF(seq); return NULL; }
    Py_INCREF(msg); self->msg = msg; self->seq = seq;
    return (PyObject *)self;
}
static void CEvent_dealloc(CEvent *self) {
    Py_XDECREF(self->msg); Py_XDECREF(self->seq);
    Py_TYPE(self)->tp_free((PyObject *)self);
}
static PyMemberDef members[] = {
    {"seq", T_OBJECT_EX, offsetof(CEvent, seq), READONLY, NULL},
    {"msg", T_OBJECT_EX, offsetof(CEvent, msg), READONLY, NULL},
    {NULL}};
static PyTypeObject CEventType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "c_event.CEvent", .tp_basicsize = sizeof(CEvent),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_new = CEvent_new, .tp_dealloc = (destructor)CEvent_dealloc, .tp_members = members,
};
static struct PyModuleDef mod = {PyModuleDef_HEAD_INIT, "c_event", NULL, -1, NULL};
PyMODINIT_FUNC PyInit_c_event(void) {
    seq_name = PyUnicode_InternFromString("seq");
    if (PyType_Ready(&CEventType) < 0) return NULL;
    PyObject *m = PyModule_Create(&mod);
    Py_INCREF(&CEventType);
    PyModule_AddObject(m, "CEvent", (PyObject *)&CEventType);
    return m;
}
"""


def build_c_event(workdir: Path) -> Any:
    """Compile the C object and return its type; exit with a sentence when that cannot work."""
    include = Path(sysconfig.get_paths()["include"])
    if shutil.which("gcc") is None or not (include / "Python.h").exists():
        sys.exit(f"Needs gcc and the Python headers ({include}/Python.h): apt-get install gcc.")
    source = workdir / "c_event.c"
    source.write_text(C_SOURCE)
    target = workdir / f"c_event{sysconfig.get_config_var('EXT_SUFFIX')}"
    subprocess.run(
        ["gcc", "-O2", "-shared", "-fPIC", f"-I{include}", str(source), "-o", str(target)],
        check=True,
    )
    spec = importlib.util.spec_from_file_location("c_event", target)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CEvent


def wrapping_reader(make: Any) -> Any:
    async def reader(target: str, after: int, n: int) -> None:
        async with b.raw_watch(target, after) as call:
            got = 0
            while got < n:
                resp = await call.read()
                for event in map(make, resp.events):
                    got += event.seq > 0

    return reader


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cardeck-c-event-") as tmp:
        c_event = build_c_event(Path(tmp))

    class CEventSubclass(c_event):  # type: ignore[misc,valid-type]
        __slots__ = ("_data", "_time")

    readers = {
        "raw stub, batch loop": b.raw_reader,
        "+ bare Python object per event": b.raw_bare_reader,
        "+ C object per event": wrapping_reader(c_event),
        "+ Python subclass of the C object": wrapping_reader(CEventSubclass),
        "SDK stream.batches()": b.sdk_batch_reader,
    }
    async with b.events_head_unit() as (unit, target):
        best, cpu = await b.best_of_rounds(unit, target, readers)
    raw = best["raw stub, batch loop"]
    print(f"best of {b.ROUNDS} alternating runs, {b.N} events each")
    print(f"{'':<36} {'events/s':>10} {'× raw':>6} {'CPU ns/event':>13}")
    for name in readers:
        print(f"{name:<36} {best[name]:>10.0f} {best[name] / raw:>6.2f} {cpu[name]:>13.0f}")


if __name__ == "__main__":
    asyncio.run(main())
