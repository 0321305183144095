/*
 * durable_compat.h - build durable-rules 2.0.28 on CPython >= 3.13.
 *
 * Use (force-included into every C file of the build):
 *   CPPFLAGS="-include packaging/durable_compat.h" \
 *     pip install --no-cache-dir --no-binary :all: durable-rules==2.0.28
 * (CPPFLAGS, not CFLAGS: durable-rules' setup.py overwrites
 *  os.environ['CFLAGS'], so a CFLAGS value from the caller is dropped.)
 *
 * The only removed API that src/rulespy/rules.c uses is the
 * PyEval_CallObject() macro (5 callback trampolines), which expanded to
 * PyEval_CallObjectWithKeywords(); CPython 3.13 removed both from the
 * headers (the function is still exported only for the stable ABI).
 */
#ifndef DURABLE_COMPAT_H
#define DURABLE_COMPAT_H

/* -include puts this file before the sources' own #include lines, so
 * Python.h has not been seen yet. Only the extension (src/rulespy/rules.c)
 * is compiled with Python's include dir; the plain C library (src/rules,
 * built by build_clib) is not, so there __has_include fails and this
 * header is empty. Python.h must come first anyway, and rules.c's own
 * "#include <Python.h>" later is a no-op thanks to its include guard. */
#if defined(__has_include)
#  if __has_include(<Python.h>)
#    include <Python.h>
#  endif
#endif

/* PY_VERSION_HEX exists only if Python.h was found; on Python < 3.13 the
 * old API is still there, so do nothing (header is harmless). */
#if defined(PY_VERSION_HEX) && PY_VERSION_HEX >= 0x030D0000

/* Same semantics as the real function (Objects/call.c; it is still
 * compiled into 3.13 for the stable ABI, only its declaration is gone):
 * args may be NULL (= no positional arguments), else it must be a tuple;
 * kwargs may be NULL or a dict. Returns a new reference or NULL. No
 * temporary object is created, so nothing can leak: the NULL-args case
 * uses vectorcall with 0 args instead of building an empty tuple. */
static inline PyObject *
durable_compat_CallObjectWithKeywords(PyObject *callable, PyObject *args,
                                      PyObject *kwargs)
{
    if (args != NULL && !PyTuple_Check(args)) {
        PyErr_SetString(PyExc_TypeError, "argument list must be a tuple");
        return NULL;
    }
    if (kwargs != NULL && !PyDict_Check(kwargs)) {
        PyErr_SetString(PyExc_TypeError, "keyword list must be a dictionary");
        return NULL;
    }
    if (args == NULL) {
        return PyObject_VectorcallDict(callable, NULL, 0, kwargs);
    }
    return PyObject_Call(callable, args, kwargs);
}

/* Re-create the removed names as the 3.12 headers defined them. */
#define PyEval_CallObjectWithKeywords(callable, args, kwargs) \
    durable_compat_CallObjectWithKeywords((callable), (args), (kwargs))
#define PyEval_CallObject(callable, args) \
    durable_compat_CallObjectWithKeywords((callable), (args), NULL)

#endif /* PY_VERSION_HEX >= 3.13 */
#endif /* DURABLE_COMPAT_H */
