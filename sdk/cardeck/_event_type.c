/*
 * cardeck._event_type: a compiled home for cardeck.Event.
 *
 * Streams build one Event per delivered event. In CPython 3.11 a Python
 * object with __slots__ costs ~130 ns to build (an __init__ frame plus a
 * GC-tracked allocation), a third of what reading the event off the wire
 * costs, so a pure-Python typed event cannot come within 10 % of the raw
 * stub. This module builds a type with the same four slots whose
 * construction is one allocation and one attribute read, called without an
 * argument tuple (vectorcall), and not tracked by the GC (an Event only
 * references its wire message and the values its properties convert and
 * cache in the private _time and _data slots, which never reference the Event
 * back, so it cannot be part of a cycle unless code outside the SDK writes
 * those private slots).
 *
 * Behaviour is not written twice: compile_event(cls) takes the pure-Python
 * class from _models.py and copies its methods and properties onto the
 * compiled type. Only __init__ lives here (as the constructor) and the slot
 * layout is checked against cls.__slots__. Without a C compiler the package
 * installs without this module and the pure-Python class is used.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>

typedef struct {
    PyObject_HEAD
    PyObject *msg;
    PyObject *seq;
    PyObject *time;
    PyObject *data;
} EventObject;

/* The slots of the pure-Python Event, in the order its __slots__ sorts them. */
static const char *SLOT_NAMES[] = {"_data", "_msg", "_time", "seq"};
#define N_SLOTS 4

static PyObject *seq_name; /* interned "seq" */

static PyObject *
event_build(PyTypeObject *type, PyObject *msg)
{
    PyObject *seq = PyObject_GetAttr(msg, seq_name);
    if (seq == NULL) {
        return NULL;
    }
    EventObject *self = PyObject_New(EventObject, type);
    if (self == NULL) {
        Py_DECREF(seq);
        return NULL;
    }
    Py_INCREF(msg);
    self->msg = msg;
    self->seq = seq;
    self->time = NULL;
    self->data = NULL;
    return (PyObject *)self;
}

static PyObject *
arity_error(PyTypeObject *type)
{
    PyErr_Format(PyExc_TypeError, "%s() takes one wire message (cardeck.v1.types_pb2.Event)",
                 type->tp_name);
    return NULL;
}

static PyObject *
event_vectorcall(PyObject *type, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    if (PyVectorcall_NARGS(nargsf) != 1 || (kwnames != NULL && PyTuple_GET_SIZE(kwnames))) {
        return arity_error((PyTypeObject *)type);
    }
    return event_build((PyTypeObject *)type, args[0]);
}

static PyObject *
event_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    if (PyTuple_GET_SIZE(args) != 1 || (kwds != NULL && PyDict_GET_SIZE(kwds))) {
        return arity_error(type);
    }
    return event_build(type, PyTuple_GET_ITEM(args, 0));
}

static void
event_dealloc(EventObject *self)
{
    PyTypeObject *type = Py_TYPE(self);
    Py_XDECREF(self->msg);
    Py_XDECREF(self->seq);
    Py_XDECREF(self->time);
    Py_XDECREF(self->data);
    PyObject_Free(self);
    Py_DECREF(type); /* instances of heap types own a reference to their type */
}

static PyMemberDef event_members[] = {
    {"_data", T_OBJECT_EX, offsetof(EventObject, data), 0, NULL},
    {"_msg", T_OBJECT_EX, offsetof(EventObject, msg), READONLY, NULL},
    {"_time", T_OBJECT_EX, offsetof(EventObject, time), 0, NULL},
    {"seq", T_OBJECT_EX, offsetof(EventObject, seq), READONLY,
     "Sequence number within the run."},
    {NULL},
};

static PyType_Slot event_slots[] = {
    {Py_tp_new, event_new},
    {Py_tp_dealloc, event_dealloc},
    {Py_tp_members, event_members},
    {0, NULL},
};

static PyType_Spec event_spec = {
    .name = "cardeck.Event",
    .basicsize = sizeof(EventObject),
    .flags = Py_TPFLAGS_DEFAULT,
    .slots = event_slots,
};

/* Raise unless cls.__slots__ names exactly SLOT_NAMES, so the layouts cannot drift. */
static int
check_slots(PyObject *cls)
{
    PyObject *slots = PyObject_GetAttrString(cls, "__slots__");
    if (slots == NULL) {
        return -1;
    }
    PyObject *sorted = PySequence_List(slots);
    Py_DECREF(slots);
    if (sorted == NULL || PyList_Sort(sorted) < 0) {
        Py_XDECREF(sorted);
        return -1;
    }
    int same = PyList_GET_SIZE(sorted) == N_SLOTS;
    for (Py_ssize_t i = 0; same && i < N_SLOTS; i++) {
        PyObject *name = PyList_GET_ITEM(sorted, i);
        same = PyUnicode_Check(name) && PyUnicode_CompareWithASCIIString(name, SLOT_NAMES[i]) == 0;
    }
    if (!same) {
        PyErr_Format(PyExc_TypeError,
                     "compile_event: %R has __slots__ %R; the compiled Event stores "
                     "('_data', '_msg', '_time', 'seq'). Change both together.",
                     cls, sorted);
    }
    Py_DECREF(sorted);
    return same ? 0 : -1;
}

/* Attributes of the Python class that are not copied: its layout and its constructor. */
static int
skipped(PyObject *name)
{
    static const char *names[] = {"__slots__", "__dict__", "__weakref__", "__init__", NULL};
    for (const char **n = names; *n; n++) {
        if (PyUnicode_CompareWithASCIIString(name, *n) == 0) {
            return 1;
        }
    }
    for (int i = 0; i < N_SLOTS; i++) {
        if (PyUnicode_CompareWithASCIIString(name, SLOT_NAMES[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

static PyObject *
compile_event(PyObject *module, PyObject *cls)
{
    if (!PyType_Check(cls)) {
        PyErr_SetString(PyExc_TypeError, "compile_event takes the pure-Python Event class");
        return NULL;
    }
    if (check_slots(cls) < 0) {
        return NULL;
    }
    PyObject *type = PyType_FromSpec(&event_spec);
    if (type == NULL) {
        return NULL;
    }
    ((PyTypeObject *)type)->tp_vectorcall = event_vectorcall;
    PyObject *qualname = PyObject_GetAttrString(cls, "__qualname__");
    if (qualname == NULL || PyObject_SetAttrString(type, "__qualname__", qualname) < 0) {
        Py_XDECREF(qualname);
        Py_DECREF(type);
        return NULL;
    }
    Py_DECREF(qualname);
    /* Setting a dunder on a heap type also fills its C slot (__eq__, __hash__, __repr__). */
    PyObject *items = PyMapping_Items(((PyTypeObject *)cls)->tp_dict);
    if (items == NULL) {
        Py_DECREF(type);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items); i++) {
        PyObject *item = PyList_GET_ITEM(items, i);
        PyObject *name = PyTuple_GET_ITEM(item, 0);
        if (skipped(name)) {
            continue;
        }
        if (PyObject_SetAttr(type, name, PyTuple_GET_ITEM(item, 1)) < 0) {
            Py_DECREF(items);
            Py_DECREF(type);
            return NULL;
        }
    }
    Py_DECREF(items);
    return type;
}


/*
 * The asyncio hand-out iterator: single events from an async iterator of EventBatch.
 *
 * Iterating an asyncio stream by event through an async generator around the
 * batch iterator costs one async-generator step per event (an asend awaitable
 * and a coroutine frame): ~65 ns, a tenth of the event's whole cost.
 * AsyncHandOut hands out buffered events straight from C; only when a batch is
 * used up does it step the batch iterator, which is Python code. ``handed`` is
 * the seq of the last event handed out from the current batch, None between
 * batches: the stream's last_seq needs it to be exact after a loop breaks in
 * the middle of a batch.
 *
 * Measured (bench/bench_events.py prints both, issue 15): end to end, the
 * asyncio stream by event spends 10-20 % less CPU per event with this type than
 * with the compiled Event and the Python hand-out. The blocking stream's
 * generator step is cheap (~30 ns); a compiled HandOut for it bought 0-6 %, so
 * it was removed and the blocking stream uses the Python one.
 *
 * AsyncHandOut.__anext__() returns a Step: an awaitable whose send (am_send)
 * returns the next buffered event at once or, when the buffer is empty,
 * drives the batch iterator's __anext__() awaitable the way `yield from`
 * would (send, throw and close are passed on to it). One step at a time may
 * fetch; another step sent meanwhile gets RuntimeError, as with an async
 * generator.
 *
 * It behaves as its pure-Python twin in _hand_out.py (an async generator): an
 * error from the batch iterator or a batch ends the iteration for good.
 */

typedef struct {
    PyObject_HEAD
    PyObject *batches;  /* async iterator of EventBatch; NULL once iteration ended */
    PyObject *events;   /* iterator over the current batch, or NULL */
    PyObject *handed;   /* last Event handed out from the current batch, or NULL */
    PyObject *inner;    /* the awaitable iterator fetching a batch, or NULL */
    PyObject *fetching; /* the Step whose fetch inner is (identity only) */
    int running;        /* inside a call into Python on behalf of this hand-out */
} HandOutObject;

typedef struct {
    PyObject_HEAD
    HandOutObject *owner; /* NULL once this step returned or failed */
} StepObject;

static PyTypeObject *AsyncHandOutType;
static PyTypeObject *StepType;

static PyObject *
handout_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    if ((kwds != NULL && PyDict_GET_SIZE(kwds)) || PyTuple_GET_SIZE(args) != 1) {
        PyErr_Format(PyExc_TypeError, "%s() takes one async iterator of EventBatch",
                     type->tp_name);
        return NULL;
    }
    PyObject *source = PyTuple_GET_ITEM(args, 0);
    PyObject *batches = PyObject_GetAIter(source);
    if (batches == NULL) {
        return NULL;
    }
    HandOutObject *self = PyObject_GC_New(HandOutObject, type);
    if (self == NULL) {
        Py_DECREF(batches);
        return NULL;
    }
    self->batches = batches;
    self->events = self->handed = self->inner = self->fetching = NULL;
    self->running = 0;
    PyObject_GC_Track(self);
    return (PyObject *)self;
}

static int
handout_traverse(HandOutObject *self, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(self));
    Py_VISIT(self->batches);
    Py_VISIT(self->events);
    Py_VISIT(self->handed);
    Py_VISIT(self->inner);
    return 0;
}

static int
handout_clear(HandOutObject *self)
{
    Py_CLEAR(self->batches);
    Py_CLEAR(self->events);
    Py_CLEAR(self->handed);
    Py_CLEAR(self->inner);
    return 0;
}

static void
handout_dealloc(HandOutObject *self)
{
    PyTypeObject *type = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    handout_clear(self);
    PyObject_GC_Del(self);
    Py_DECREF(type);
}

static PyObject *
handout_handed(HandOutObject *self, void *closure)
{
    if (self->handed == NULL) {
        Py_RETURN_NONE;
    }
    return PyObject_GetAttr(self->handed, seq_name);
}

/* The iteration ended (used up or failed): drop everything, as a finished generator does. */
static void
finish(HandOutObject *self)
{
    handout_clear(self);
    self->fetching = NULL;
}

static int
enter(HandOutObject *self)
{
    if (self->running) {
        PyErr_SetString(PyExc_RuntimeError, "this event stream is already being read");
        return -1;
    }
    self->running = 1;
    return 0;
}

/* The next event of the current batch (new reference); NULL without an error
 * when there is no batch or it is used up, NULL with one on failure. */
static PyObject *
take_buffered(HandOutObject *self)
{
    PyObject *events = self->events;
    if (events == NULL) {
        return NULL;
    }
    Py_INCREF(events); /* iterating may run Python code that drops self->events */
    PyObject *event = PyIter_Next(events);
    Py_DECREF(events);
    if (event != NULL) {
        Py_INCREF(event);
        Py_XSETREF(self->handed, event);
        return event;
    }
    if (PyErr_Occurred()) {
        finish(self);
    }
    else {
        Py_CLEAR(self->events);
        Py_CLEAR(self->handed);
    }
    return NULL;
}

static int
load_batch(HandOutObject *self, PyObject *batch)
{
    Py_XSETREF(self->events, PyObject_GetIter(batch));
    Py_DECREF(batch);
    if (self->events == NULL) {
        finish(self);
        return -1;
    }
    return 0;
}

/* Start fetching the next batch: inner = iterator of batches.__anext__()'s awaitable. */
static int
start_fetch(HandOutObject *self)
{
    PyTypeObject *bt = Py_TYPE(self->batches);
    PyObject *awaitable = bt->tp_as_async->am_anext(self->batches); /* checked by GetAIter */
    if (awaitable == NULL) {
        return -1;
    }
    PyTypeObject *at = Py_TYPE(awaitable);
    if (PyCoro_CheckExact(awaitable)) {
        self->inner = awaitable; /* a coroutine is its own awaitable iterator */
        return 0;
    }
    if (at->tp_as_async == NULL || at->tp_as_async->am_await == NULL) {
        PyErr_Format(PyExc_TypeError, "__anext__ returned a non-awaitable %s", at->tp_name);
        Py_DECREF(awaitable);
        return -1;
    }
    self->inner = at->tp_as_async->am_await(awaitable);
    Py_DECREF(awaitable);
    return self->inner == NULL ? -1 : 0;
}

/* One step's work: the next buffered event, or drive the batch fetch with arg. */
static PySendResult
handout_step(HandOutObject *self, PyObject *arg, PyObject **result)
{
    *result = NULL;
    for (;;) {
        if (self->inner == NULL) {
            if (self->batches == NULL) {
                PyErr_SetNone(PyExc_StopAsyncIteration);
                return PYGEN_ERROR;
            }
            PyObject *event = take_buffered(self);
            if (event != NULL) {
                *result = event;
                return PYGEN_RETURN;
            }
            if (PyErr_Occurred()) {
                return PYGEN_ERROR;
            }
            if (start_fetch(self) < 0) {
                finish(self);
                return PYGEN_ERROR;
            }
            arg = Py_None;
        }
        PyObject *inner = self->inner, *value;
        Py_INCREF(inner); /* the fetch runs Python code, which may close this hand-out */
        PySendResult status = PyIter_Send(inner, arg, &value);
        Py_DECREF(inner);
        if (status == PYGEN_NEXT) {
            *result = value; /* what the fetch waits on, for the event loop */
            return PYGEN_NEXT;
        }
        if (self->inner == inner) {
            Py_CLEAR(self->inner);
        }
        if (status == PYGEN_ERROR) {
            finish(self); /* StopAsyncIteration ends the `async for` */
            return PYGEN_ERROR;
        }
        if (load_batch(self, value) < 0) {
            return PYGEN_ERROR;
        }
    }
}

static PyObject *
ahandout_anext(HandOutObject *self)
{
    StepObject *step = PyObject_GC_New(StepObject, StepType);
    if (step == NULL) {
        return NULL;
    }
    Py_INCREF(self);
    step->owner = self;
    PyObject_GC_Track(step);
    return (PyObject *)step;
}

static PyObject *
self_ref(PyObject *self)
{
    Py_INCREF(self);
    return self;
}

/* A step is done once it returned or failed; its owner forgets it was fetching. */
static void
step_done(StepObject *step)
{
    HandOutObject *owner = step->owner;
    if (owner != NULL && owner->fetching == (PyObject *)step) {
        owner->fetching = NULL;
    }
    step->owner = NULL;
    Py_XDECREF(owner);
}

static PySendResult
step_send(StepObject *step, PyObject *arg, PyObject **result)
{
    *result = NULL;
    HandOutObject *owner = step->owner;
    if (owner == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "cannot reuse an already awaited __anext__()");
        return PYGEN_ERROR;
    }
    if (owner->fetching != NULL && owner->fetching != (PyObject *)step) {
        PyErr_SetString(PyExc_RuntimeError,
                        "anext(): another step is already waiting for this stream's events");
        return PYGEN_ERROR;
    }
    if (enter(owner) < 0) {
        return PYGEN_ERROR;
    }
    PySendResult status = handout_step(owner, arg, result);
    owner->running = 0;
    if (status == PYGEN_NEXT) {
        owner->fetching = (PyObject *)step;
    }
    else {
        step_done(step);
    }
    return status;
}

/* The iterator face of a send result: yielded values return, a result raises StopIteration. */
static PyObject *
send_result_as_iteration(PySendResult status, PyObject *value)
{
    if (status != PYGEN_RETURN) {
        return value;
    }
    PyObject *stop = PyObject_CallOneArg(PyExc_StopIteration, value);
    Py_DECREF(value);
    if (stop != NULL) {
        PyErr_SetObject(PyExc_StopIteration, stop);
        Py_DECREF(stop);
    }
    return NULL;
}

static PyObject *
step_send_method(StepObject *step, PyObject *arg)
{
    PyObject *value;
    PySendResult status = step_send(step, arg, &value);
    return send_result_as_iteration(status, value);
}

static PyObject *
step_iternext(StepObject *step)
{
    return step_send_method(step, Py_None);
}

/* Raise the exception given to throw() here, as a generator does with nothing to delegate to. */
static PyObject *
raise_thrown(PyObject *const *args, Py_ssize_t nargs)
{
    PyObject *exc = args[0];
    if (PyExceptionInstance_Check(exc)) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    }
    else if (PyExceptionClass_Check(exc)) {
        PyErr_SetObject(exc, nargs > 1 ? args[1] : NULL);
    }
    else {
        PyErr_SetString(PyExc_TypeError, "throw() needs an exception");
    }
    return NULL;
}

/* The value of the StopIteration being raised (new reference), clearing it. */
static PyObject *
fetch_stop_value(void)
{
#if PY_VERSION_HEX >= 0x030C0000
    PyObject *stop = PyErr_GetRaisedException();
    PyObject *value = PyObject_GetAttrString(stop, "value");
    Py_DECREF(stop);
    return value;
#else
    PyObject *type, *stop, *tb;
    PyErr_Fetch(&type, &stop, &tb);
    PyErr_NormalizeException(&type, &stop, &tb);
    PyObject *value = stop ? PyObject_GetAttrString(stop, "value") : NULL;
    Py_XDECREF(type);
    Py_XDECREF(stop);
    Py_XDECREF(tb);
    return value;
#endif
}

/* inner's method `name` (new reference); NULL without an error when it has none. */
static PyObject *
optional_method(PyObject *inner, const char *name)
{
    PyObject *method = PyObject_GetAttrString(inner, name);
    if (method == NULL && PyErr_ExceptionMatches(PyExc_AttributeError)) {
        PyErr_Clear();
    }
    return method;
}

static PyObject *
step_throw(StepObject *step, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 1 || nargs > 3) {
        PyErr_SetString(PyExc_TypeError, "throw expected 1 to 3 arguments");
        return NULL;
    }
    HandOutObject *owner = step->owner;
    if (owner == NULL || owner->fetching != (PyObject *)step || owner->inner == NULL) {
        step_done(step); /* nothing of this step is in flight: the exception is raised here */
        return raise_thrown(args, nargs);
    }
    PyObject *inner = owner->inner;
    Py_INCREF(inner);
    PyObject *throw = optional_method(inner, "throw");
    PyObject *yielded = NULL;
    if (throw != NULL) {
        if (enter(owner) == 0) {
            yielded = PyObject_Vectorcall(throw, args, nargs, NULL);
            owner->running = 0;
        }
        Py_DECREF(throw);
    }
    else if (!PyErr_Occurred()) {
        raise_thrown(args, nargs); /* a fetch without throw(): raise it here, as `yield from` does */
    }
    if (yielded != NULL) {
        Py_DECREF(inner);
        return yielded; /* the fetch handled it and waits again */
    }
    if (owner->inner == inner) {
        Py_CLEAR(owner->inner);
    }
    Py_DECREF(inner);
    if (!PyErr_ExceptionMatches(PyExc_StopIteration)) {
        finish(owner);
        step_done(step);
        return NULL;
    }
    /* The fetch handled it and returned a batch: hand out its first event. */
    PyObject *batch = fetch_stop_value();
    owner->fetching = NULL;
    if (batch == NULL || load_batch(owner, batch) < 0) {
        step_done(step);
        return NULL;
    }
    return step_iternext(step);
}

static PyObject *
step_close(StepObject *step, PyObject *unused)
{
    HandOutObject *owner = step->owner;
    PyObject *result = Py_None;
    Py_INCREF(result);
    if (owner != NULL && owner->fetching == (PyObject *)step && owner->inner != NULL) {
        PyObject *inner = owner->inner;
        owner->inner = NULL; /* the reference moves here */
        PyObject *close = optional_method(inner, "close");
        if (close != NULL) {
            Py_SETREF(result, PyObject_CallNoArgs(close));
            Py_DECREF(close);
        }
        else if (PyErr_Occurred()) {
            Py_CLEAR(result);
        }
        Py_DECREF(inner);
    }
    step_done(step);
    return result;
}

static int
step_traverse(StepObject *step, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(step));
    Py_VISIT(step->owner);
    return 0;
}

static int
step_clear(StepObject *step)
{
    step_done(step);
    return 0;
}

static void
step_dealloc(StepObject *step)
{
    PyTypeObject *type = Py_TYPE(step);
    PyObject_GC_UnTrack(step);
    step_done(step); /* a step dropped mid-fetch leaves the fetch to the next step */
    PyObject_GC_Del(step);
    Py_DECREF(type);
}

static PyGetSetDef handout_getset[] = {
    {"handed", (getter)handout_handed, NULL,
     "Seq of the last event handed out from the current batch; None between batches.", NULL},
    {NULL},
};

static PyType_Slot ahandout_slots[] = {
    {Py_tp_new, handout_new},
    {Py_tp_dealloc, handout_dealloc},
    {Py_tp_traverse, handout_traverse},
    {Py_tp_clear, handout_clear},
    {Py_am_aiter, self_ref},
    {Py_am_anext, ahandout_anext},
    {Py_tp_getset, handout_getset},
    {Py_tp_doc, "AsyncHandOut(batches)\n\nSingle events from an async iterator of EventBatch."},
    {0, NULL},
};

static PyType_Spec ahandout_spec = {
    .name = "cardeck._event_type.AsyncHandOut",
    .basicsize = sizeof(HandOutObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
    .slots = ahandout_slots,
};

static PyMethodDef step_methods[] = {
    {"send", (PyCFunction)step_send_method, METH_O, NULL},
    {"throw", (PyCFunction)(void (*)(void))step_throw, METH_FASTCALL, NULL},
    {"close", (PyCFunction)step_close, METH_NOARGS, NULL},
    {NULL},
};

static PyType_Slot step_slots[] = {
    {Py_tp_dealloc, step_dealloc},
    {Py_tp_traverse, step_traverse},
    {Py_tp_clear, step_clear},
    {Py_am_await, self_ref},
    {Py_am_send, step_send},
    {Py_tp_iter, self_ref},
    {Py_tp_iternext, step_iternext},
    {Py_tp_methods, step_methods},
    {Py_tp_doc, "One AsyncHandOut.__anext__(): an awaitable of the next event."},
    {0, NULL},
};

static PyType_Spec step_spec = {
    .name = "cardeck._event_type.Step",
    .basicsize = sizeof(StepObject),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_DISALLOW_INSTANTIATION,
    .slots = step_slots,
};

static PyMethodDef module_methods[] = {
    {"compile_event", compile_event, METH_O,
     "compile_event(cls) -> type\n\nThe compiled Event type with the methods and properties "
     "of the pure-Python class cls."},
    {NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "cardeck._event_type",
    .m_doc = "The compiled Event type and the asyncio event hand-out iterator (optional; the "
             "SDK works without them).",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC
PyInit__event_type(void)
{
    seq_name = PyUnicode_InternFromString("seq");
    PyObject *module = seq_name ? PyModule_Create(&module_def) : NULL;
    if (module == NULL) {
        Py_CLEAR(seq_name);
        return NULL;
    }
    AsyncHandOutType = (PyTypeObject *)PyType_FromSpec(&ahandout_spec);
    StepType = (PyTypeObject *)PyType_FromSpec(&step_spec);
    if (AsyncHandOutType == NULL || StepType == NULL ||
        PyModule_AddObjectRef(module, "AsyncHandOut", (PyObject *)AsyncHandOutType) < 0) {
        Py_CLEAR(AsyncHandOutType);
        Py_CLEAR(StepType);
        Py_CLEAR(seq_name);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
