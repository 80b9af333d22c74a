#!/usr/bin/env python3
"""A stateful fake kube-apiserver 1.26 on 127.0.0.1 for integration tests (stdlib only).

It answers the way the real API server answered in the conversations recorded under
tests/data/kube-apiserver-1.26/api/ (README in /work/shared/samples/kube-apiserver-1.26/api/):
the same status codes, Status bodies (kind Status, apiVersion v1, metadata {}, status Failure,
message, reason, details, code), the same text/plain 404s, headers (Content-Type without charset,
`Cache-Control: no-cache, private`, X-Kubernetes-Pf-* and Audit-Id), Go field order for built-in
objects and sorted keys for custom resources, one compact JSON line per body.

    from harness.fake_kube_apiserver import FakeKubeApiserver

    with FakeKubeApiserver(token="s3cret") as kube:     # HTTPS; tls=False for plain HTTP
        kube.url                        # "https://127.0.0.1:<port>"
        kube.ca_file                    # the CA that signed the server certificate (openssl CLI)
        kube.kubeconfig(path)           # server, certificate-authority, token
        kube.put_object({...})          # seed any object (also a CRD: Established at once)
        kube.objects("/api/v1/namespaces/gatehouse-system/configmaps")   # [objects] or object
        kube.requests                   # [KubeRequest(method, path, content_type, body)]
        kube.compact()                  # every resourceVersion before now is "too old"
        kube.break_watches()            # end every open watch stream
        kube.wait_for_watches(1)        # until a client has a watch open

Served: discovery (/version, /api, /api/v1, /apis, /apis/<group>[/<version>], health
endpoints), namespaces, configmaps, leases (coordination.k8s.io/v1),
customresourcedefinitions (apiextensions.k8s.io/v1) and, through CRDs, any custom resource
(preinstalled: Gatekeeper's constrainttemplates templates.gatekeeper.sh v1/v1beta1/v1alpha1 and
configs config.gatekeeper.sh/v1alpha1, from the recorded install). Verbs: get, list (label and
field selectors, limit/continue paging with etcd-style continue tokens, resourceVersion and
resourceVersionMatch), watch (chunked, bookmarks, timeoutSeconds, 410 ERROR events), create
(generateName, 409 AlreadyExists, 422 Invalid), update (409 Conflict, create-on-update for
Leases), patch (merge, JSON patch, strategic merge as merge for built-ins, server-side apply with
field-manager conflicts), delete (Status Success, finalizers, Namespaces stay Terminating),
deletecollection, /status subresources. CRDs become NamesAccepted then Established after
`establish_delay` seconds (MODIFIED events), their custom resources are pruned and defaulted
from the schema (unknown fields: Warning headers, or 400 with fieldValidation=Strict), and
deleting a CRD deletes its custom resources.

Not modelled: RBAC (a token is admin, no credentials is system:anonymous), admission webhooks,
protobuf/YAML responses, CEL rules, quantities, the ~2 s first write to a new custom resource.

Run by hand:  python3 fake_kube_apiserver.py --port-file /tmp/port [--http] [--token T]
              [--kubeconfig /tmp/kubeconfig] [--crd file.json|file.yaml ...]
"""

import argparse
import base64
import collections
import copy
import datetime
import hashlib
import http.server
import json
import os
import queue
import random
import re
import shutil
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "data", "kube-apiserver-1.26", "api"))
_SHARED_SAMPLES_DIR = "/work/shared/samples/kube-apiserver-1.26/api"

KubeRequest = collections.namedtuple("KubeRequest", "method path content_type body")

VERSION_INFO = {"major": "1", "minor": "26", "gitVersion": "v1.26.0",
                "gitCommit": "d15ef3101210b20aac2e7a044ef087f397ad58c0",
                "gitTreeState": "archive", "buildDate": "2024-01-23T06:42:33Z",
                "goVersion": "go1.19.8", "compiler": "gc", "platform": "linux/amd64"}

CR_VERBS = ["delete", "deletecollection", "get", "list", "patch", "create", "update", "watch"]
BUILTIN_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
CONTINUE_EXPIRED = (
    "The provided continue parameter is too old to display a consistent list result. You can "
    "start a new list without the continue parameter, or use the continue token in this response "
    "to retrieve the remainder of the results. Continuing with the provided token results in an "
    "inconsistent list - objects that were created, modified, or deleted between the time the "
    "first chunk was returned and now may show up in the list.")
CONFLICT_MESSAGE = ("Operation cannot be fulfilled on %s \"%s\": the object has been modified; "
                    "please apply your changes to the latest version and try again")
CRD_FINALIZER = "customresourcecleanup.apiextensions.k8s.io"
NAME_CHARS = "bcdfghjklmnpqrstvwxz2456789"

# ---------------------------------------------------------------------------------------------
# JSON the way Go writes it, and the Go field order of the built-in types.


def _encode(obj, pretty=False):
    if pretty:
        text = json.dumps(obj, ensure_ascii=False, indent=2)
    else:
        text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for a, b in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                 ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(a, b)
    return (text + "\n").encode("utf-8")


def _sorted(v):
    if isinstance(v, dict):
        return {k: _sorted(v[k]) for k in sorted(v)}
    if isinstance(v, list):
        return [_sorted(x) for x in v]
    return v


def _empty(v):
    return v is None or v is False or v == "" or v == 0 or v == {} or v == []


# A spec: {"_": [Go field order], "~": omitempty fields, "?": pointer fields (dropped when
# null), field: sub-spec}; sub-specs: "sorted" (a Go map / raw JSON), "schema" (JSONSchemaProps),
# ("list", spec), None (a scalar or an atomic value kept as it is).
MF = {"_": ["manager", "operation", "apiVersion", "time", "fieldsType", "fieldsV1", "subresource"],
      "~": {"manager", "operation", "apiVersion", "fieldsType", "subresource"}, "?": {"time"},
      "fieldsV1": "sorted"}
OWNER = {"_": ["apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion"],
         "?": {"controller", "blockOwnerDeletion"}}
META_ORDER = ["name", "generateName", "namespace", "selfLink", "uid", "resourceVersion",
              "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
              "labels", "annotations", "ownerReferences", "finalizers", "managedFields"]
META = {"_": META_ORDER,
        "~": {"name", "generateName", "namespace", "selfLink", "uid", "resourceVersion",
              "generation", "labels", "annotations", "ownerReferences", "finalizers",
              "managedFields"},
        "?": {"deletionTimestamp", "deletionGracePeriodSeconds"},
        "labels": "sorted", "annotations": "sorted", "managedFields": ("list", MF),
        "ownerReferences": ("list", OWNER)}
CONDITION = {"_": ["type", "status", "lastTransitionTime", "reason", "message"],
             "~": {"reason", "message"}}
CONFIGMAP = {"_": ["kind", "apiVersion", "metadata", "immutable", "data", "binaryData"],
             "~": {"kind", "apiVersion", "data", "binaryData"}, "?": {"immutable"},
             "metadata": META, "data": "sorted", "binaryData": "sorted"}
NAMESPACE = {"_": ["kind", "apiVersion", "metadata", "spec", "status"], "~": {"kind", "apiVersion"},
             "metadata": META, "spec": {"_": ["finalizers"], "~": {"finalizers"}},
             "status": {"_": ["phase", "conditions"], "~": {"phase", "conditions"},
                        "conditions": ("list", CONDITION)}}
LEASE = {"_": ["kind", "apiVersion", "metadata", "spec"], "~": {"kind", "apiVersion"},
         "metadata": META,
         "spec": {"_": ["holderIdentity", "leaseDurationSeconds", "acquireTime", "renewTime",
                        "leaseTransitions"],
                  "?": {"holderIdentity", "leaseDurationSeconds", "acquireTime", "renewTime",
                        "leaseTransitions"}}}
NAMES = {"_": ["plural", "singular", "shortNames", "kind", "listKind", "categories"],
         "~": {"singular", "shortNames", "listKind", "categories"}}
CRD_VERSION = {"_": ["name", "served", "storage", "deprecated", "deprecationWarning", "schema",
                     "subresources", "additionalPrinterColumns"],
               "~": {"deprecated", "additionalPrinterColumns"},
               "?": {"deprecationWarning", "schema", "subresources"},
               "schema": {"_": ["openAPIV3Schema"], "?": {"openAPIV3Schema"},
                          "openAPIV3Schema": "schema"},
               "subresources": {"_": ["status", "scale"], "?": {"status", "scale"},
                                "status": "sorted",
                                "scale": {"_": ["specReplicasPath", "statusReplicasPath",
                                                "labelSelectorPath"],
                                          "?": {"labelSelectorPath"}}},
               "additionalPrinterColumns": ("list", {
                   "_": ["name", "type", "format", "description", "priority", "jsonPath"],
                   "~": {"format", "description", "priority"}})}
CRD = {"_": ["kind", "apiVersion", "metadata", "spec", "status"], "~": {"kind", "apiVersion"},
       "metadata": META,
       "spec": {"_": ["group", "names", "scope", "versions", "conversion",
                      "preserveUnknownFields"],
                "~": {"preserveUnknownFields"}, "?": {"conversion"},
                "names": NAMES, "versions": ("list", CRD_VERSION),
                "conversion": {"_": ["strategy", "webhook"], "?": {"webhook"},
                               "webhook": {"_": ["clientConfig", "conversionReviewVersions"],
                                           "?": {"clientConfig"},
                                           "clientConfig": {"_": ["url", "service", "caBundle"],
                                                            "?": {"url", "service"},
                                                            "~": {"caBundle"}}}}},
       "status": {"_": ["conditions", "acceptedNames", "storedVersions"],
                  "conditions": ("list", CONDITION), "acceptedNames": NAMES}}
SCHEMA_ORDER = [
    "id", "$schema", "$ref", "description", "type", "format", "title", "default", "maximum",
    "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength", "pattern",
    "maxItems", "minItems", "uniqueItems", "multipleOf", "enum", "maxProperties",
    "minProperties", "required", "items", "allOf", "oneOf", "anyOf", "not", "properties",
    "additionalProperties", "patternProperties", "dependencies", "additionalItems",
    "definitions", "externalDocs", "example", "nullable", "x-kubernetes-preserve-unknown-fields",
    "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string", "x-kubernetes-list-map-keys",
    "x-kubernetes-list-type", "x-kubernetes-map-type", "x-kubernetes-validations"]
_SCHEMA_OMITEMPTY = {
    "id", "$schema", "$ref", "description", "type", "format", "title", "exclusiveMaximum",
    "exclusiveMinimum", "pattern", "uniqueItems", "enum", "required", "allOf", "oneOf", "anyOf",
    "properties", "patternProperties", "dependencies", "definitions", "nullable",
    "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string", "x-kubernetes-list-map-keys",
    "x-kubernetes-validations"}
VALIDATION_RULE = {"_": ["rule", "message", "messageExpression", "reason", "fieldPath"],
                   "~": {"message", "messageExpression", "fieldPath"}, "?": {"reason"}}


def _order(v, spec):
    if spec is None or v is None:
        return v
    if spec == "sorted":
        return _sorted(v)
    if spec == "schema":
        return _order_schema(v)
    if isinstance(spec, tuple):
        return [_order(x, spec[1]) for x in v] if isinstance(v, list) else v
    if not isinstance(v, dict):
        return v
    out = {}
    omit, ptr = spec.get("~", ()), spec.get("?", ())
    for k in spec["_"]:
        if k not in v:
            continue
        if (k in omit and _empty(v[k])) or (k in ptr and v[k] is None):
            continue
        out[k] = _order(v[k], spec.get(k))
    for k in sorted(v):
        if k not in spec["_"]:
            out[k] = _sorted(v[k])
    return out


def _order_schema(s):
    if not isinstance(s, dict):
        return s
    out = {}
    for k in SCHEMA_ORDER:
        if k not in s or s[k] is None or (k in _SCHEMA_OMITEMPTY and _empty(s[k])):
            continue
        v = s[k]
        if k in ("items", "not", "additionalProperties", "additionalItems"):
            v = [_order_schema(x) for x in v] if isinstance(v, list) else _order_schema(v)
        elif k in ("allOf", "oneOf", "anyOf"):
            v = [_order_schema(x) for x in v]
        elif k in ("properties", "patternProperties", "definitions"):
            v = {p: _order_schema(v[p]) for p in sorted(v)}
        elif k == "dependencies":
            v = {p: (v[p] if isinstance(v[p], list) else _order_schema(v[p])) for p in sorted(v)}
        elif k in ("default", "example", "enum"):
            v = _sorted(v)
        elif k == "x-kubernetes-validations":
            v = [_order(x, VALIDATION_RULE) for x in v]
        elif k == "externalDocs":
            v = _order(v, {"_": ["description", "url"], "~": {"description", "url"}})
        out[k] = v
    return out


def _prune_spec(v, spec, path, unknown):
    """Drops the fields a Go struct would not decode (recording `unknown field` paths)."""
    if spec == "schema":
        return _prune_schema(v, path, unknown)
    if isinstance(spec, tuple):
        if isinstance(v, list):
            return [_prune_spec(x, spec[1], path + ["[%d]" % i], unknown) for i, x in enumerate(v)]
        return v
    if not isinstance(spec, dict) or not isinstance(v, dict):
        return v
    out = {}
    for k, x in v.items():
        if k not in spec["_"]:
            unknown.append(_fmt_path(path + [k]))
            continue
        out[k] = _prune_spec(x, spec.get(k), path + [k], unknown)
    return out


def _prune_schema(s, path, unknown):
    if not isinstance(s, dict):
        return s
    out = {}
    for k, v in s.items():
        if k not in SCHEMA_ORDER:
            unknown.append(_fmt_path(path + [k]))
            continue
        if k in ("items", "not", "additionalProperties", "additionalItems") and isinstance(v, dict):
            v = _prune_schema(v, path + [k], unknown)
        elif k in ("properties", "patternProperties", "definitions") and isinstance(v, dict):
            v = {p: _prune_schema(x, path + [k, p], unknown) for p, x in v.items()}
        out[k] = v
    return out


def _fmt_path(parts):
    s = ""
    for p in parts:
        s += p if p.startswith("[") else ("." if s else "") + p
    return s


# ---------------------------------------------------------------------------------------------
# Validation messages of k8s.io/apimachinery.

_DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
_DNS1123_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
_QNAME_PART_MSG = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
_QNAME_MSG = (
    "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
    "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
    "subdomain prefix and '/' (e.g. 'example.com/MyName')")
_LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is "
    "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
_DNS1123_SUBDOMAIN_RE = re.compile(
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DNS1123_LABEL_RE = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_QNAME_PART_RE = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_VALUE_RE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def _q(v):
    """Go's %q of a string (close enough for what we print)."""
    return json.dumps(v, ensure_ascii=False)


class _FieldError:
    def __init__(self, field, reason, detail, value=None, has_value=False):
        self.field, self.reason, self.detail = field, reason, detail
        self.value, self.has_value = value, has_value

    def body(self):
        kinds = {"FieldValueInvalid": "Invalid value", "FieldValueTypeInvalid": "Invalid value",
                 "FieldValueNotSupported": "Unsupported value",
                 "FieldValueRequired": "Required value", "FieldValueForbidden": "Forbidden",
                 "FieldValueTooLong": "Too long", "FieldValueDuplicate": "Duplicate value"}
        head = kinds.get(self.reason, "Invalid value")
        if self.has_value:
            v = self.value
            shown = _q(v) if isinstance(v, str) else json.dumps(v)
            head += ": " + shown
        return head + (": " + self.detail if self.detail else "")

    def __str__(self):
        return "%s: %s" % (self.field, self.body())


def _invalid(field, value, detail):
    return _FieldError(field, "FieldValueInvalid", detail, value, True)


def _validate_name(name, dns_label=False):
    errs = []
    if dns_label:
        if len(name) > 63:
            errs.append(_invalid("metadata.name", name, "must be no more than 63 characters"))
        if not _DNS1123_LABEL_RE.match(name):
            errs.append(_invalid("metadata.name", name, _DNS1123_LABEL_MSG))
    else:
        if len(name) > 253:
            errs.append(_invalid("metadata.name", name, "must be no more than 253 characters"))
        if not _DNS1123_SUBDOMAIN_RE.match(name):
            errs.append(_invalid("metadata.name", name, _DNS1123_SUBDOMAIN_MSG))
    return errs


def _qualified_name_errors(key):
    parts = key.split("/")
    if len(parts) == 1:
        name, prefix = parts[0], None
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            return ["prefix part must be non-empty"]
    else:
        return [_QNAME_MSG]
    out = []
    if prefix is not None:
        if len(prefix) > 253:
            out.append("prefix part must be no more than 253 characters")
        elif not _DNS1123_SUBDOMAIN_RE.match(prefix):
            out.append("prefix part " + _DNS1123_SUBDOMAIN_MSG)
    if not name:
        out.append("name part must be non-empty")
    elif len(name) > 63:
        out.append("name part must be no more than 63 characters")
    if name and not _QNAME_PART_RE.match(name):
        out.append(_QNAME_PART_MSG)
    return out


def _validate_meta_maps(meta):
    errs = []
    labels = meta.get("labels") or {}
    for k in sorted(labels):
        for m in _qualified_name_errors(k):
            errs.append(_invalid("metadata.labels", k, m))
        v = labels[k]
        if isinstance(v, str):
            if len(v) > 63:
                errs.append(_invalid("metadata.labels", v, "must be no more than 63 characters"))
            if not _LABEL_VALUE_RE.match(v):
                errs.append(_invalid("metadata.labels", v, _LABEL_VALUE_MSG))
    for k in sorted(meta.get("annotations") or {}):
        for m in _qualified_name_errors(k.lower()):
            errs.append(_invalid("metadata.annotations", k, m))
    return errs


_MICRO_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(.*)$", re.S)
_MICRO_LAYOUT = "2006-01-02T15:04:05.000000Z07:00"


def _microtime_error(v):
    if not isinstance(v, str):
        return None
    m = _MICRO_RE.match(v)
    if not m:
        return "parsing time %s as %s: cannot parse %s as \"2006\"" % (_q(v), _q(_MICRO_LAYOUT),
                                                                      _q(v))
    rest = m.group(2)
    if not re.match(r"^\.\d{6}", rest):
        return "parsing time %s as %s: cannot parse %s as \".000000\"" % (_q(v), _q(_MICRO_LAYOUT),
                                                                          _q(rest))
    zone = rest[7:]
    if zone != "Z" and not re.match(r"^[+-]\d{2}:\d{2}$", zone):
        return "parsing time %s as %s: cannot parse %s as \"Z07:00\"" % (_q(v), _q(_MICRO_LAYOUT),
                                                                         _q(zone))
    return None


# ---------------------------------------------------------------------------------------------
# Label and field selectors (k8s.io/apimachinery/pkg/labels, pkg/fields).


class SelectorError(ValueError):
    pass


def _lex_selector(s):
    toks, i = [], 0
    while i < len(s):
        c = s[i]
        if c.isspace():
            i += 1
        elif c in "(),":
            toks.append((c, c))
            i += 1
        elif c in "=!<>":
            two = s[i:i + 2]
            if two in ("==", "!="):
                toks.append(("OP", two))
                i += 2
            else:
                toks.append(("OP", c))
                i += 1
        else:
            j = i
            while j < len(s) and not s[j].isspace() and s[j] not in "(),=!<>":
                j += 1
            toks.append(("ID", s[i:j]))
            i = j
    return toks


def parse_label_selector(s):
    """[(key, op, [values])] with op in exists, !, =, !=, in, notin, gt, lt."""
    if s is None or not s.strip():
        return []
    toks = _lex_selector(s)
    pos = [0]

    def peek():
        return toks[pos[0]] if pos[0] < len(toks) else ("EOS", "")

    def take():
        t = peek()
        pos[0] += 1
        return t

    def requirement():
        t, lit = take()
        if t == "OP" and lit == "!":
            t2, key = take()
            if t2 != "ID":
                raise SelectorError("found '%s', expected: identifier after '!'" % key)
            return (key, "!", [])
        if t != "ID":
            raise SelectorError("found '%s', expected: identifier" % lit)
        key = lit
        nt, nlit = peek()
        if nt in ("EOS", ","):
            return (key, "exists", [])
        t, op = take()
        if t == "ID" and op in ("in", "notin"):
            t, lit = take()
            if t != "(":
                raise SelectorError("found '%s', expected: '('" % lit)
            values = []
            while True:
                t, lit = take()
                if t == ")":
                    break
                if t == "ID":
                    values.append(lit)
                    t2, lit2 = peek()
                    if t2 == ",":
                        take()
                    elif t2 != ")":
                        raise SelectorError("found '%s', expected: ',' or ')'" % lit2)
                elif t == ",":
                    values.append("")
                else:
                    raise SelectorError("found '%s', expected: ',', ')' or identifier" % lit)
            return (key, op, values)
        if t == "OP" and op in ("=", "==", "!=", ">", "<"):
            nt, nlit = peek()
            if nt in ("EOS", ","):
                value = ""
            elif nt == "ID":
                value = take()[1]
            else:
                raise SelectorError("found '%s', expected: identifier" % nlit)
            if op in (">", "<"):
                try:
                    int(value)
                except ValueError:
                    raise SelectorError("for 'Gt', 'Lt' operators, the value must be an integer")
                return (key, "gt" if op == ">" else "lt", [value])
            return (key, "!=" if op == "!=" else "=", [value])
        raise SelectorError("found '%s', expected: in, notin, =, ==, !=, gt, lt" % op)

    reqs = []
    while True:
        try:
            reqs.append(requirement())
        except SelectorError as e:
            raise SelectorError("unable to parse requirement: %s" % e)
        t, lit = take()
        if t == "EOS":
            return reqs
        if t != ",":
            raise SelectorError("found '%s', expected: ',' or 'end of string'" % lit)


def label_selector_matches(reqs, labels):
    labels = labels or {}
    for key, op, values in reqs:
        has, v = key in labels, labels.get(key)
        if op == "exists" and not has:
            return False
        if op == "!" and has:
            return False
        if op in ("=", "in") and (not has or v not in values):
            return False
        if op in ("!=", "notin") and has and v in values:
            return False
        if op in ("gt", "lt"):
            try:
                n = int(v)
            except (TypeError, ValueError):
                return False
            if (op == "gt" and not n > int(values[0])) or (op == "lt" and not n < int(values[0])):
                return False
    return True


def parse_field_selector(s, allowed):
    if s is None or not s.strip():
        return []
    out = []
    for part in s.split(","):
        for op in ("!=", "==", "="):
            if op in part:
                field, value = part.split(op, 1)
                break
        else:
            raise SelectorError("invalid selector: '%s'; can't understand '%s'" % (s, part))
        field = field.strip()
        if field not in allowed:
            raise SelectorError("%s is not a known field selector: only %s" % (
                _q(field), ", ".join(_q(a) for a in allowed)))
        out.append((field, "!=" if op == "!=" else "=", value))
    return out


def _field_value(obj, field):
    cur = obj
    for p in field.split("."):
        cur = cur.get(p) if isinstance(cur, dict) else None
    return cur if cur is not None else ""


def field_selector_matches(reqs, obj):
    for field, op, value in reqs:
        v = _field_value(obj, field)
        if (op == "=") != (v == value):
            return False
    return True


# ---------------------------------------------------------------------------------------------
# Patches: RFC 7386 merge patch, RFC 6902 JSON patch.


class PatchError(ValueError):
    pass


def merge_patch(target, patch):
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def _pointer(p):
    if p == "":
        return []
    if not p.startswith("/"):
        raise PatchError("JSON pointer must start with '/': %s" % p)
    return [t.replace("~1", "/").replace("~0", "~") for t in p[1:].split("/")]


def _resolve(doc, tokens, path):
    cur = doc
    for t in tokens:
        if isinstance(cur, dict) and t in cur:
            cur = cur[t]
        elif isinstance(cur, list) and t.isdigit() and int(t) < len(cur):
            cur = cur[int(t)]
        else:
            raise PatchError("doc is missing path: %s: missing value" % _q(path))
    return cur


def json_patch(doc, ops):
    if not isinstance(ops, list):
        raise PatchError("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
    doc = copy.deepcopy(doc)
    for op in ops:
        if not isinstance(op, dict):
            raise PatchError("invalid operation %s" % json.dumps(op))
        kind, path = op.get("op"), op.get("path", "")
        toks = _pointer(path)

        def parent_of(toks, what):
            if not toks:
                raise PatchError("%s operation does not apply: doc is missing path: %s" % (
                    what, _q(path)))
            try:
                return _resolve(doc, toks[:-1], path), toks[-1]
            except PatchError:
                raise PatchError("%s operation does not apply: doc is missing path: %s: missing "
                                 "value" % (what, _q(path)))

        def add(toks, value, what="add"):
            nonlocal doc
            if not toks:
                doc = value
                return
            parent, last = parent_of(toks, what)
            if isinstance(parent, dict):
                parent[last] = value
            elif isinstance(parent, list):
                if last == "-":
                    parent.append(value)
                elif last.isdigit() and int(last) <= len(parent):
                    parent.insert(int(last), value)
                else:
                    raise PatchError("%s operation does not apply: doc is missing path: %s: "
                                     "missing value" % (what, _q(path)))
            else:
                raise PatchError("%s operation does not apply: doc is missing path: %s" % (
                    what, _q(path)))

        def remove(toks, what="remove", p=None):
            parent, last = parent_of(toks, what)
            if isinstance(parent, dict) and last in parent:
                return parent.pop(last)
            if isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
                return parent.pop(int(last))
            raise PatchError("%s operation does not apply: doc is missing key: %s: missing value"
                             % (what, p or path))

        if kind == "add":
            add(toks, copy.deepcopy(op.get("value")))
        elif kind == "remove":
            remove(toks)
        elif kind == "replace":
            if not toks:
                doc = copy.deepcopy(op.get("value"))
                continue
            parent, last = parent_of(toks, "replace")
            if isinstance(parent, dict) and last in parent:
                parent[last] = copy.deepcopy(op.get("value"))
            elif isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
                parent[int(last)] = copy.deepcopy(op.get("value"))
            else:
                raise PatchError("replace operation does not apply: doc is missing key: %s: "
                                 "missing value" % path)
        elif kind in ("move", "copy"):
            frm = op.get("from", "")
            ftoks = _pointer(frm)
            if kind == "move":
                value = remove(ftoks, "move", frm)
            else:
                value = copy.deepcopy(_resolve(doc, ftoks, frm))
            add(toks, value, kind)
        elif kind == "test":
            try:
                got = _resolve(doc, toks, path)
            except PatchError:
                got = None
            if got != op.get("value"):
                raise PatchError("testing value %s failed: test failed" % path)
        else:
            raise PatchError("Unexpected kind: %s" % kind)
    return doc


# ---------------------------------------------------------------------------------------------
# A small YAML reader: what kubectl-style manifests, apply bodies and controller-gen CRDs use
# (block maps and sequences, plain/quoted/flow scalars, | and > blocks, multi-line plain
# scalars, several documents). Not a full YAML 1.1 implementation.


class YamlError(ValueError):
    pass


_YAML_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
              "FALSE": False, "yes": True, "Yes": True, "YES": True, "no": False, "No": False,
              "NO": False, "on": True, "On": True, "ON": True, "off": False, "Off": False,
              "OFF": False, "y": True, "Y": True, "n": False, "N": False}


def _yaml_plain(s):
    if s in ("", "~", "null", "Null", "NULL"):
        return None
    if s in _YAML_BOOL:
        return _YAML_BOOL[s]
    if re.match(r"^[-+]?(0|[1-9][0-9]*)$", s):
        return int(s)
    if re.match(r"^0[0-7]+$", s):
        return int(s, 8)
    if re.match(r"^0x[0-9a-fA-F]+$", s):
        return int(s, 16)
    if re.match(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", s):
        return float(s)
    if s in (".inf", ".Inf", "+.inf"):
        return float("inf")
    if s in ("-.inf", "-.Inf"):
        return float("-inf")
    return s


def _unquote_double(s):
    try:
        return json.loads(s)
    except ValueError:
        body = s[1:-1].replace("\\/", "/").replace("\\ ", " ").replace("\\t", "\t")
        return json.loads('"' + body.replace('"', '\\"').replace('\\\\"', '\\"') + '"')


class _Flow:
    def __init__(self, s):
        self.s, self.i = s, 0

    def ws(self):
        while self.i < len(self.s) and self.s[self.i] in " \t\r\n":
            self.i += 1

    def value(self, stops):
        self.ws()
        c = self.s[self.i:self.i + 1]
        if c == "{":
            self.i += 1
            out = {}
            while True:
                self.ws()
                if self.s[self.i:self.i + 1] == "}":
                    self.i += 1
                    return out
                k = self.value(":,}")
                self.ws()
                if self.s[self.i:self.i + 1] == ":":
                    self.i += 1
                    out[str(k) if not isinstance(k, str) else k] = self.value(",}")
                else:
                    out[k] = None
                self.ws()
                if self.s[self.i:self.i + 1] == ",":
                    self.i += 1
        if c == "[":
            self.i += 1
            out = []
            while True:
                self.ws()
                if self.s[self.i:self.i + 1] == "]":
                    self.i += 1
                    return out
                out.append(self.value(",]"))
                self.ws()
                if self.s[self.i:self.i + 1] == ",":
                    self.i += 1
        if c == '"':
            j = self.i + 1
            while j < len(self.s) and self.s[j] != '"':
                j += 2 if self.s[j] == "\\" else 1
            tok, self.i = self.s[self.i:j + 1], j + 1
            return _unquote_double(tok)
        if c == "'":
            j = self.i + 1
            while j < len(self.s):
                if self.s[j] == "'" and self.s[j + 1:j + 2] == "'":
                    j += 2
                    continue
                if self.s[j] == "'":
                    break
                j += 1
            tok, self.i = self.s[self.i + 1:j], j + 1
            return tok.replace("''", "'")
        j = self.i
        while j < len(self.s) and self.s[j] not in stops:
            if self.s[j] == ":" and ":" in stops and (
                    j + 1 >= len(self.s) or self.s[j + 1] in " ,}]"):
                break
            j += 1
        tok, self.i = self.s[self.i:j].strip(), j
        if self.i >= len(self.s) and stops != "":
            raise YamlError("did not find expected ',' or ']'")
        return _yaml_plain(tok)


def _strip_comment(s):
    quote = None
    for i, c in enumerate(s):
        if quote:
            if c == quote:
                quote = None
        elif c in "\"'" and (i == 0 or s[i - 1] in " [{,:"):
            quote = c
        elif c == "#" and (i == 0 or s[i - 1] in " \t"):
            return s[:i].rstrip()
    return s.rstrip()


def _split_key(content):
    """(key, rest) when the line is `key: value` / `key:`, else None."""
    if content[:1] in ("'", '"'):
        q = content[0]
        j = 1
        while j < len(content):
            if content[j] == "\\" and q == '"':
                j += 2
                continue
            if content[j] == q:
                if q == "'" and content[j + 1:j + 2] == "'":
                    j += 2
                    continue
                break
            j += 1
        after = content[j + 1:].lstrip()
        if after.startswith(":") and (len(after) == 1 or after[1] in " \t"):
            raw = content[:j + 1]
            key = _unquote_double(raw) if q == '"' else raw[1:-1].replace("''", "'")
            return key, after[1:].strip()
        return None
    if content[:1] in ("[", "{", "|", ">", "!", "&", "*"):
        return None
    m = re.search(r":(\s|$)", content)
    if not m:
        return None
    key = content[:m.start()].strip()
    if "#" in key and key.index("#") == 0:
        return None
    return key, content[m.end():].strip()


class _Yaml:
    def __init__(self, lines):
        self.lines = lines
        self.i = 0

    def cur(self):
        while self.i < len(self.lines):
            line = self.lines[self.i]
            stripped = line.strip()
            if stripped == "" or stripped.startswith("#"):
                self.i += 1
                continue
            if "\t" in line[:len(line) - len(line.lstrip())]:
                raise YamlError("line %d: found a tab character that violates indentation"
                                % (self.i + 1))
            return len(line) - len(line.lstrip(" ")), line.strip()
        return None

    def block(self, ind):
        c = self.cur()
        if c[1] == "-" or c[1].startswith("- "):
            return self.seq(ind)
        if _split_key(c[1]) is not None:
            return self.map(ind)
        self.i += 1
        return self.scalar(c[1], ind - 1)

    def seq(self, ind):
        out = []
        while True:
            c = self.cur()
            if c is None or c[0] < ind:
                return out
            if c[0] > ind:
                raise YamlError("line %d: bad indentation of a sequence entry" % (self.i + 1))
            if not (c[1] == "-" or c[1].startswith("- ")):
                return out
            rest = c[1][1:].lstrip()
            col = ind + (len(c[1]) - len(rest))
            if rest == "" or rest.startswith("#"):
                self.i += 1
                c2 = self.cur()
                out.append(self.block(c2[0]) if c2 is not None and c2[0] > ind else None)
            elif rest == "-" or rest.startswith("- ") or (
                    _split_key(_strip_comment(rest)) is not None and rest[:1] not in "[{"):
                self.lines[self.i] = " " * col + rest
                out.append(self.block(col))
            else:
                self.i += 1
                out.append(self.scalar(rest, ind))

    def map(self, ind):
        out = {}
        while True:
            c = self.cur()
            if c is None or c[0] < ind:
                return out
            if c[0] > ind:
                raise YamlError("line %d: mapping values are not allowed in this context"
                                % (self.i + 1))
            if c[1] == "-" or c[1].startswith("- "):
                return out
            kv = _split_key(c[1])
            if kv is None:
                raise YamlError("line %d: could not find expected ':'" % (self.i + 1))
            key, rest = kv
            key = _yaml_plain(key) if isinstance(key, str) and c[1][:1] not in "'\"" else key
            key = key if isinstance(key, str) else json.dumps(key) if key is not None else "null"
            self.i += 1
            rest = _strip_comment(rest)
            if rest == "":
                c2 = self.cur()
                if c2 is not None and c2[0] > ind:
                    out[key] = self.block(c2[0])
                elif c2 is not None and c2[0] == ind and (c2[1] == "-" or c2[1].startswith("- ")):
                    out[key] = self.seq(ind)
                else:
                    out[key] = None
            else:
                out[key] = self.scalar(rest, ind)

    def scalar(self, rest, ind):
        rest = _strip_comment(rest)
        if rest and rest[0] in "|>":
            m = re.match(r"^([|>])([-+]?)(\d?)([-+]?)$", rest)
            if not m:
                raise YamlError("line %d: bad block scalar header" % self.i)
            style, chomp = m.group(1), m.group(2) or m.group(4)
            lines, block_ind = [], None
            while self.i < len(self.lines):
                line = self.lines[self.i]
                if line.strip() == "":
                    lines.append("")
                    self.i += 1
                    continue
                n = len(line) - len(line.lstrip(" "))
                if block_ind is None:
                    block_ind = n
                if n < block_ind or n <= ind:
                    break
                lines.append(line[block_ind:])
                self.i += 1
            while lines and lines[-1] == "" and chomp != "+":
                lines.pop()
            if style == "|":
                text = "\n".join(lines)
            else:
                text, prev_blank = "", True
                for ln in lines:
                    if ln == "":
                        text += "\n"
                        prev_blank = True
                    elif ln.startswith(" "):
                        text += ("\n" if not prev_blank else "") + ln
                        prev_blank = False
                    else:
                        text += ("" if prev_blank else " ") + ln
                        prev_blank = False
            return text if chomp == "-" else text + ("\n" if text or lines else "")
        if rest[:1] in "[{":
            text = rest
            while True:  # a flow collection may go on over several lines
                try:
                    f = _Flow(text)
                    v = f.value("")
                    return v
                except (YamlError, IndexError):
                    if self.i >= len(self.lines):
                        raise YamlError("line %d: unterminated flow collection" % self.i)
                    text += " " + _strip_comment(self.lines[self.i].strip())
                    self.i += 1
        if rest[:1] == '"':
            text = rest
            while not re.search(r'(?<!\\)"\s*$', text[1:]) and self.i < len(self.lines):
                text += " " + self.lines[self.i].strip()
                self.i += 1
            return _unquote_double(text.strip())
        if rest[:1] == "'":
            text = rest
            while not text.rstrip().endswith("'") or len(text.strip()) == 1:
                if self.i >= len(self.lines):
                    break
                text += " " + self.lines[self.i].strip()
                self.i += 1
            return text.strip()[1:-1].replace("''", "'")
        parts = [rest]
        while self.i < len(self.lines):  # a plain scalar continued on more-indented lines
            line = self.lines[self.i]
            if line.strip() == "":
                j = self.i
                while j < len(self.lines) and self.lines[j].strip() == "":
                    j += 1
                if j < len(self.lines) and len(self.lines[j]) - len(self.lines[j].lstrip()) > ind:
                    parts.append("\n" * (j - self.i))
                    self.i = j
                    continue
                break
            n = len(line) - len(line.lstrip(" "))
            if n <= ind or line.strip().startswith("#"):
                break
            parts.append(_strip_comment(line.strip()))
            self.i += 1
        if len(parts) == 1:
            return _yaml_plain(rest)
        text = ""
        for p in parts:
            if p.startswith("\n"):
                text += p[1:] if len(p) > 1 else "\n"
                text = text.rstrip(" ") if text.endswith("\n") else text
                continue
            text += (p if not text or text.endswith("\n") else " " + p)
        return text


def load_yaml_documents(text):
    """Every document of a YAML stream as Python values (a JSON text is YAML too)."""
    docs, cur = [], []
    for raw in text.replace("\r\n", "\n").split("\n"):
        if raw.rstrip() == "---" or raw.startswith("--- "):
            docs.append(cur)
            cur = []
            if raw.startswith("--- ") and raw[4:].strip():
                cur.append(raw[4:])
            continue
        if raw.rstrip() == "...":
            docs.append(cur)
            cur = []
            continue
        cur.append(raw)
    docs.append(cur)
    out = []
    for lines in docs:
        text_doc = "\n".join(lines).strip()
        if not text_doc or all(ln.strip().startswith("#") or not ln.strip() for ln in lines):
            continue
        if text_doc[0] in "{[":
            try:
                out.append(json.loads(text_doc))
                continue
            except ValueError:
                pass
        y = _Yaml(list(lines))
        c = y.cur()
        if c is None:
            continue
        value = y.block(c[0])
        if y.cur() is not None:
            raise YamlError("line %d: did not find expected <document start>" % (y.i + 1))
        out.append(value)
    return out


def load_yaml(text):
    docs = load_yaml_documents(text)
    return docs[0] if docs else None


# ---------------------------------------------------------------------------------------------
# managedFields: field sets as Kubernetes' structured-merge-diff renders them in FieldsV1.

_NODE = object()
_META_MANAGED = ("generateName", "labels", "annotations", "ownerReferences", "finalizers")


def _field_paths(obj, leaves_only=False):
    """{path: value or _NODE} of the fields of obj that field managers own."""
    out = {}

    def walk(v, path):
        if isinstance(v, dict) and v:
            if not leaves_only:
                out[path] = _NODE
            for k, c in v.items():
                walk(c, path + ("f:" + k,))
        elif path == ("f:metadata", "f:finalizers") and isinstance(v, list) and v:
            if not leaves_only:
                out[path] = _NODE
            for x in v:
                out[path + ("v:" + json.dumps(x, separators=(",", ":")),)] = x
        else:
            out[path] = v

    for k, v in (obj or {}).items():
        if k in ("apiVersion", "kind"):
            continue
        if k == "metadata":
            for mk in _META_MANAGED:
                if isinstance(v, dict) and v.get(mk) not in (None, "", {}, []):
                    walk(v[mk], ("f:metadata", "f:" + mk))
        else:
            walk(v, ("f:" + k,))
    return out


def _render_fields(paths):
    tree = {}
    for p in paths:
        node = tree
        for el in p:
            node = node.setdefault(el, {})
    for p in paths:
        node = tree
        for el in p:
            node = node[el]
        if node:
            node["."] = {}
    return _sorted(tree)


def _parse_fields(tree, path=()):
    out = set()
    for k, v in (tree or {}).items():
        if k == ".":
            out.add(path)
        elif not v:
            out.add(path + (k,))
        else:
            out |= _parse_fields(v, path + (k,))
    return out


def _same(a, b):
    na = a is _NODE or a == {}
    nb = b is _NODE or b == {}
    if na or nb:
        return na and nb
    return a == b


def _path_str(p):
    out = ""
    for el in p:
        if el.startswith("f:"):
            out += "." + el[2:]
        elif el.startswith("v:"):
            out += "[=" + el[2:] + "]"
        else:
            out += "[" + el[2:] + "]"
    return out


def _mf_sort_key(e):
    return (e.get("operation", ""), e.get("time") or "", e.get("manager", ""),
            e.get("apiVersion", ""), e.get("subresource", ""))


def _delete_path(obj, path):
    cur = obj
    for el in path[:-1]:
        if not isinstance(cur, dict):
            return
        cur = cur.get(el[2:])
    last = path[-1]
    if last.startswith("v:") and isinstance(cur, list):
        value = json.loads(last[2:])
        if value in cur:
            cur.remove(value)
    elif isinstance(cur, dict):
        cur.pop(last[2:], None)


def _deep_merge(live, cfg):
    if not isinstance(live, dict) or not isinstance(cfg, dict):
        return copy.deepcopy(cfg)
    out = copy.deepcopy(live)
    for k, v in cfg.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


# ---------------------------------------------------------------------------------------------
# Versions, resource types.


def _version_key(v):
    m = re.match(r"^v(\d+)(?:(alpha|beta)(\d+))?$", v)
    if not m:
        return (3, 0, 0, v)
    major, kind, minor = int(m.group(1)), m.group(2), int(m.group(3) or 0)
    return ({None: 0, "beta": 1, "alpha": 2}[kind], -major, -minor, v)


def _storage_hash(group, version, kind):
    return base64.b64encode(hashlib.sha256(("%s/%s/%s" % (group, version, kind)).encode())
                            .digest()[:8]).decode()


def _gv(group, version):
    return "%s/%s" % (group, version) if group else version


class ResourceType:
    def __init__(self, group, versions, plural, kind, namespaced, builtin=True, singular="",
                 status=False, spec=None, zero=None, short_names=(), categories=(),
                 storage_hash=None, verbs=None, create_on_update=False, unconditional=True,
                 generation=False, field_selectors=("metadata.name", "metadata.namespace"),
                 internal_pkg=None, storage_version=None, list_kind=None, crd_name=None,
                 schemas=None, status_versions=None):
        self.group, self.versions, self.plural, self.kind = group, list(versions), plural, kind
        self.namespaced, self.builtin = namespaced, builtin
        self.singular, self.status = singular, status
        self.spec, self.zero = spec, zero or {"metadata": {}}
        self.short_names, self.categories = list(short_names), list(categories)
        self.storage_version = storage_version or self.versions[0]
        self.storage_hash = storage_hash or _storage_hash(group, self.storage_version, kind)
        self.verbs = verbs or (BUILTIN_VERBS if builtin else CR_VERBS)
        self.create_on_update, self.unconditional, self.generation = (create_on_update,
                                                                      unconditional, generation)
        self.field_selectors = list(field_selectors)
        self.internal_pkg = internal_pkg
        self.list_kind = list_kind or kind + "List"
        self.crd_name, self.schemas = crd_name, schemas or {}
        self.status_versions = status_versions if status_versions is not None else (
            {v: status for v in self.versions})

    @property
    def gr(self):
        return (self.group, self.plural)

    @property
    def qualified(self):
        return "%s.%s" % (self.plural, self.group) if self.group else self.plural

    @property
    def qualified_kind(self):
        return "%s.%s" % (self.kind, self.group) if self.group else self.kind

    def details(self, name=None, uid=None):
        d = {}
        if name:
            d["name"] = name
        if self.group:
            d["group"] = self.group
        d["kind"] = self.plural
        if uid:
            d["uid"] = uid
        return d

    def render(self, obj):
        return _order(obj, self.spec) if self.builtin else _sorted(obj)

    def bookmark(self, rv, version):
        gv = _gv(self.group, version)
        if not self.builtin:
            return {"apiVersion": gv, "kind": self.kind, "metadata": {"resourceVersion": rv}}
        b = {"kind": self.kind, "apiVersion": gv,
             "metadata": {"resourceVersion": rv, "creationTimestamp": None}}
        if self.kind == "Namespace":
            b.update(spec={}, status={})
        elif self.kind == "Lease":
            b["spec"] = {}
        elif self.kind == "CustomResourceDefinition":
            b["spec"] = {"group": "", "names": {"plural": "", "kind": ""}, "scope": "",
                         "versions": None}
            b["status"] = {"conditions": None, "acceptedNames": {"plural": "", "kind": ""},
                           "storedVersions": None}
        return b


def _builtin_types():
    return {
        ("", "configmaps"): ResourceType(
            "", ["v1"], "configmaps", "ConfigMap", True, spec=CONFIGMAP, short_names=["cm"],
            storage_hash="qFsyl6wFWjQ=", internal_pkg="core"),
        ("", "namespaces"): ResourceType(
            "", ["v1"], "namespaces", "Namespace", False, status=True, spec=NAMESPACE,
            zero={"metadata": {}, "spec": {}, "status": {}}, short_names=["ns"],
            storage_hash="Q3oi5N2YM8M=", internal_pkg="core",
            verbs=["create", "delete", "get", "list", "patch", "update", "watch"],
            field_selectors=("metadata.name", "metadata.namespace", "status.phase")),
        ("coordination.k8s.io", "leases"): ResourceType(
            "coordination.k8s.io", ["v1"], "leases", "Lease", True, spec=LEASE,
            zero={"metadata": {}, "spec": {}}, storage_hash="gqkMMb/YqFM=",
            create_on_update=True, internal_pkg="coordination"),
        ("apiextensions.k8s.io", "customresourcedefinitions"): ResourceType(
            "apiextensions.k8s.io", ["v1"], "customresourcedefinitions",
            "CustomResourceDefinition", False, status=True, spec=CRD,
            zero={"metadata": {}, "spec": {"names": {}}, "status": {"acceptedNames": {}}},
            short_names=["crd", "crds"], categories=["api-extensions"],
            storage_hash="jfWCUB31mvA=", unconditional=False, generation=True,
            internal_pkg="apiextensions"),
    }


# Discovery documents of the built-in groups, as recorded (discovery.json).
_CORE_RESOURCES = [
    {"name": "configmaps", "singularName": "", "namespaced": True, "kind": "ConfigMap",
     "verbs": BUILTIN_VERBS, "shortNames": ["cm"], "storageVersionHash": "qFsyl6wFWjQ="},
    {"name": "namespaces", "singularName": "", "namespaced": False, "kind": "Namespace",
     "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
     "shortNames": ["ns"], "storageVersionHash": "Q3oi5N2YM8M="},
    {"name": "namespaces/finalize", "singularName": "", "namespaced": False, "kind": "Namespace",
     "verbs": ["update"]},
    {"name": "namespaces/status", "singularName": "", "namespaced": False, "kind": "Namespace",
     "verbs": ["get", "patch", "update"]}]
_BUILTIN_GROUP_RESOURCES = {
    ("apiextensions.k8s.io", "v1"): [
        {"name": "customresourcedefinitions", "singularName": "", "namespaced": False,
         "kind": "CustomResourceDefinition", "verbs": BUILTIN_VERBS, "shortNames": ["crd", "crds"],
         "categories": ["api-extensions"], "storageVersionHash": "jfWCUB31mvA="},
        {"name": "customresourcedefinitions/status", "singularName": "", "namespaced": False,
         "kind": "CustomResourceDefinition", "verbs": ["get", "patch", "update"]}],
    ("coordination.k8s.io", "v1"): [
        {"name": "leases", "singularName": "", "namespaced": True, "kind": "Lease",
         "verbs": BUILTIN_VERBS, "storageVersionHash": "gqkMMb/YqFM="}],
}
_BUILTIN_GROUPS = ["apiextensions.k8s.io", "coordination.k8s.io"]  # /apis order of the recording


def _gatekeeper_crd_bodies():
    """The ConstraintTemplate and Config CRDs exactly as installed in constrainttemplate.json."""
    for d in (SAMPLES_DIR, _SHARED_SAMPLES_DIR):
        path = os.path.join(d, "constrainttemplate.json")
        if os.path.exists(path):
            with open(path) as f:
                recording = json.load(f)
            return [e["request"]["body"] for e in recording["exchanges"]
                    if "request" in e and e["request"]["method"] == "POST"
                    and e["request"]["path"].endswith("/customresourcedefinitions")]
    raise FileNotFoundError("constrainttemplate.json not found under " + SAMPLES_DIR)


# ---------------------------------------------------------------------------------------------
# Errors and requests.


def status_body(code, reason, message=None, details=None, metadata=None, success=False):
    d = {"kind": "Status", "apiVersion": "v1", "metadata": metadata or {},
         "status": "Success" if success else "Failure"}
    if message:
        d["message"] = message
    if reason:
        d["reason"] = reason
    if details is not None:
        d["details"] = details
    if not success:
        d["code"] = code
    return d


class ApiError(Exception):
    def __init__(self, code, reason=None, message=None, details=None, metadata=None, headers=(),
                 text=None):
        super().__init__(message or text or reason)
        self.code, self.headers, self.text = code, list(headers), text
        self.body = None if text is not None else status_body(code, reason, message, details,
                                                              metadata)


def _not_found_text():
    return ApiError(404, text="404 page not found\n")


def _invalid_error(rt, name, errs):
    msg = "%s %s is invalid: " % (rt.qualified_kind, _q(name or ""))
    msg += str(errs[0]) if len(errs) == 1 else "[" + ", ".join(str(e) for e in errs) + "]"
    details = {}
    if name:
        details["name"] = name
    if rt.group:
        details["group"] = rt.group
    details["kind"] = rt.kind
    details["causes"] = [{"reason": e.reason, "message": e.body(), "field": e.field} for e in errs]
    return ApiError(422, "Invalid", msg, details)


def _bad_request(message):
    return ApiError(400, "BadRequest", message)


def _parse_bool(v):
    return v in ("1", "t", "T", "true", "TRUE", "True")


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class _Req:
    def __init__(self, handler):
        self.h = handler
        self.method = handler.command
        self.raw_path = handler.path
        parsed = urllib.parse.urlsplit(handler.path)
        self.path = parsed.path
        self.query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        self.headers = handler.headers
        self.content_type = handler.headers.get("Content-Type")
        self.media_type = (self.content_type or "").split(";")[0].strip().lower()
        self.ua = handler.headers.get("User-Agent") or ""
        self.body_bytes = b""
        self.body = None
        self.user = None
        self.warnings = []

    def q(self, name, default=None):
        v = self.query.get(name)
        return v[0] if v else default

    @property
    def pretty(self):
        p = self.q("pretty")
        if p is not None:
            return _parse_bool(p)
        return self.ua.startswith(("curl", "Wget", "Mozilla/"))


class _Watch:
    def __init__(self, rt, version, namespace, labels, fields):
        self.rt, self.version, self.namespace = rt, version, namespace
        self.labels, self.fields = labels, fields
        self.q = queue.Queue()
        self.start_rv = 0

    def matches(self, obj):
        if obj is None:
            return False
        meta = obj.get("metadata") or {}
        if self.namespace is not None and meta.get("namespace") != self.namespace:
            return False
        return (label_selector_matches(self.labels, meta.get("labels"))
                and field_selector_matches(self.fields, obj))

    def translate(self, etype, obj, old):
        """What this watcher sees of an event, as (type, object) or None."""
        if etype == "ADDED":
            return ("ADDED", obj) if self.matches(obj) else None
        if etype == "DELETED":
            return ("DELETED", obj) if self.matches(old if old is not None else obj) else None
        was, now = self.matches(old), self.matches(obj)
        if was and now:
            return ("MODIFIED", obj)
        if was:
            return ("DELETED", obj)
        if now:
            return ("ADDED", obj)
        return None


_Event = collections.namedtuple("_Event", "rv type gr key obj old")


# ---------------------------------------------------------------------------------------------
# The HTTP side.


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        fake = self.server.fake
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(10)
            self.request.do_handshake()
            self.request.settimeout(None)
        super().setup()
        with fake._lock:
            fake._conns.add(self.request)
            fake._threads.add(threading.current_thread())

    def finish(self):
        fake = self.server.fake
        try:
            super().finish()
        except OSError:
            pass
        with fake._lock:
            fake._conns.discard(self.request)
            fake._threads.discard(threading.current_thread())

    def handle(self):
        try:
            super().handle()
        except (OSError, ssl.SSLError):
            pass

    def _serve(self):
        self.server.fake._serve(self)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    def send_response(self, code, message=None):
        self.send_response_only(code, message)

    def log_message(self, fmt, *args):
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, fake, context):
        self.fake, self.context = fake, context
        super().__init__(addr, _Handler)

    def get_request(self):
        sock, addr = self.socket.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.context is not None:
            sock = self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, addr

    def handle_error(self, request, client_address):
        pass


def make_tls(directory, hosts=("localhost",), ips=("127.0.0.1", "::1")):
    """(ca.crt, tls.crt, tls.key) in directory: a CA and a server certificate it signed."""
    cnf = os.path.join(directory, "openssl.cnf")
    san = ",".join(["DNS:%s" % h for h in hosts] + ["IP:%s" % i for i in ips])
    with open(cnf, "w") as f:
        f.write("[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = fake-kube-apiserver\n"
                "[v3_ca]\nbasicConstraints = critical,CA:TRUE\n"
                "keyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n"
                "[v3_srv]\nbasicConstraints = CA:FALSE\n"
                "keyUsage = critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage = serverAuth\nsubjectAltName = %s\n"
                "authorityKeyIdentifier = keyid\n" % san)
    ca_key, ca_crt = os.path.join(directory, "ca.key"), os.path.join(directory, "ca.crt")
    key, csr, crt = (os.path.join(directory, n) for n in ("tls.key", "tls.csr", "tls.crt"))
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run = lambda args: subprocess.run(["openssl"] + args, check=True, capture_output=True)  # noqa
    run(["req", "-x509", "-new"] + ec + ["-keyout", ca_key, "-out", ca_crt, "-days", "3",
                                         "-config", cnf, "-extensions", "v3_ca",
                                         "-subj", "/CN=fake-kube-apiserver-ca"])
    run(["req", "-new"] + ec + ["-keyout", key, "-out", csr, "-config", cnf,
                                "-subj", "/CN=kube-apiserver"])
    run(["x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-set_serial",
         "0x%x" % random.getrandbits(63), "-out", crt, "-days", "3", "-extfile", cnf,
         "-extensions", "v3_srv"])
    return ca_crt, crt, key


# ---------------------------------------------------------------------------------------------


class FakeKubeApiserver:
    """A kube-apiserver 1.26 stand-in; see the module docstring.

    tls: HTTPS with a certificate from the openssl CLI (False: plain HTTP).
    token: the bearer token that is admin; a wrong one gets 401, none is system:anonymous
        (403 on resources). None: every request is admin.
    establish_delay: seconds from a CRD's creation to Established (NamesAccepted at half).
    crds: CRD dicts installed (Established) at start-up, next to the Gatekeeper ones
        (gatekeeper_crds=False leaves those out).
    namespaces: created at start-up next to default, kube-node-lease, kube-public, kube-system.
    bookmark_interval: seconds between BOOKMARK events of a watch that allows them; one more
        comes bookmark_lead seconds before a timeoutSeconds deadline (as the watch cache does).
    too_large_rv_wait: how long a read at a future resourceVersion waits before its 504.
    """

    def __init__(self, tls=True, token=None, establish_delay=0.2, crds=(), gatekeeper_crds=True,
                 namespaces=("gatehouse-system",), bookmark_interval=60.0, bookmark_lead=2.0,
                 too_large_rv_wait=3.0, pf_headers=True, work_dir=None, host="127.0.0.1",
                 port=0):
        self.tls, self.token, self.establish_delay = tls, token, establish_delay
        self.bookmark_interval, self.bookmark_lead = bookmark_interval, bookmark_lead
        self.too_large_rv_wait, self.pf_headers = too_large_rv_wait, pf_headers
        self.host, self._port = host, port
        self._own_dir = work_dir is None
        self.work_dir = work_dir or tempfile.mkdtemp(prefix="fake-kube-apiserver-")
        self.ca_file = None
        self._lock = threading.RLock()
        self._rv_changed = threading.Condition(self._lock)
        self._rv = 100
        self._store = collections.defaultdict(dict)
        self._events = []
        self._last_rv = {}
        self._watches = set()
        self._types = _builtin_types()
        self._crds = collections.OrderedDict()  # CRD name -> {"rt", "accepted", "established"}
        self._requests = []
        self._timers = set()
        self._conns = set()
        self._threads = set()
        self._server = None
        self._thread = None
        self._stopping = False
        self._fs_uid, self._pl_uid = str(uuid.uuid4()), str(uuid.uuid4())
        bodies = list(_gatekeeper_crd_bodies()) if gatekeeper_crds else []
        with self._lock:
            for ns in ["default", "kube-node-lease", "kube-public", "kube-system"]:
                self._seed_namespace(ns, "kube-apiserver")
            for ns in namespaces:
                self._seed_namespace(ns, "kubectl-create")
            for body in bodies + list(crds):
                self._install_crd(copy.deepcopy(body))
            self._compacted_rv = self._watch_cache_rv = self._rv

    # -- life cycle ---------------------------------------------------------------------------

    def start(self):
        context = None
        if self.tls:
            self.ca_file, crt, key = make_tls(self.work_dir)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(crt, key)
            context.set_alpn_protocols(["http/1.1"])
        self._server = _Server((self.host, self._port), self, context)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={
            "poll_interval": 0.05}, name="fake-kube-apiserver", daemon=True)
        self._thread.start()
        return self

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def stop(self):
        """Ends the watches, closes every connection and joins every thread it started."""
        with self._lock:
            if self._stopping:
                return
            self._stopping = True
            timers = list(self._timers)
            watches = list(self._watches)
        for t in timers:
            t.cancel()
        for w in watches:
            w.q.put(("end", True))
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            with self._lock:
                if not self._watches:
                    break
            time.sleep(0.01)
        with self._lock:
            conns, threads = list(self._conns), list(self._threads)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for t in threads + timers:
            if t is not threading.current_thread():
                t.join(5)
        if self._thread is not None:
            self._thread.join(5)
        if self._own_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)

    @property
    def port(self):
        return self._port

    @property
    def url(self):
        return "%s://%s:%d" % ("https" if self.tls else "http", self.host, self._port)

    def ssl_context(self):
        """A client context that trusts the fake's CA (None over plain HTTP)."""
        return ssl.create_default_context(cafile=self.ca_file) if self.tls else None

    def kubeconfig(self, path, token=None, namespace=None):
        """Writes a kubeconfig (server, certificate-authority, token) for clients; returns path."""
        token = token if token is not None else self.token
        lines = ["apiVersion: v1", "kind: Config", "clusters:", "- name: fake-kube-apiserver",
                 "  cluster:", "    server: %s" % _q(self.url)]
        if self.tls:
            lines.append("    certificate-authority: %s" % _q(self.ca_file))
        lines += ["contexts:", "- name: fake-kube-apiserver", "  context:",
                  "    cluster: fake-kube-apiserver", "    user: fake-kube-apiserver"]
        if namespace:
            lines.append("    namespace: %s" % _q(namespace))
        lines += ["current-context: fake-kube-apiserver", "users:",
                  "- name: fake-kube-apiserver"]
        lines += ["  user:", "    token: %s" % _q(token)] if token else ["  user: {}"]
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        return path

    # -- test controls ------------------------------------------------------------------------

    @property
    def requests(self):
        """[KubeRequest(method, path with query, Content-Type, parsed body)] so far."""
        with self._lock:
            return list(self._requests)

    def clear_requests(self):
        with self._lock:
            self._requests.clear()

    def wait_for_request(self, predicate, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for r in self.requests:
                if predicate(r):
                    return r
            time.sleep(0.02)
        raise AssertionError("no matching request within %ss" % timeout)

    @property
    def resource_version(self):
        with self._lock:
            return str(self._rv)

    def compact(self):
        """Every resourceVersion before the current one becomes too old: watches from them get
        the ERROR event with 410 Expired, continue tokens from them and Exact lists 410."""
        with self._lock:
            self._compacted_rv = self._watch_cache_rv = self._rv
            return str(self._rv)

    def break_watches(self, clean=True):
        """Ends every open watch stream: with the terminating chunk (clean) or by closing the
        connection in the middle of the stream. Returns how many were open."""
        with self._lock:
            watches = list(self._watches)
        for w in watches:
            w.q.put(("end", clean))
        return len(watches)

    def watch_count(self, path=None):
        """Open watches (whose resource path starts with `path`, e.g. "/api/v1/configmaps")."""
        with self._lock:
            return sum(1 for w in self._watches if path is None or w.path.startswith(path))

    def wait_for_watches(self, n=1, path=None, timeout=10.0):
        deadline = time.monotonic() + timeout
        while self.watch_count(path) < n:
            if time.monotonic() > deadline:
                raise AssertionError("fewer than %d watches open after %ss" % (n, timeout))
            time.sleep(0.01)

    def objects(self, path):
        """The state at a resource path: a list for a collection path, the object (or None)
        for an item path; served at the path's version."""
        with self._lock:
            info = self._parse_path(urllib.parse.urlsplit(path).path)
            if info is None:
                raise ValueError("not a resource path: " + path)
            rt, version, ns, name, _ = info
            if name is None:
                objs = [o for k, o in sorted(self._store[rt.gr].items())
                        if ns is None or o["metadata"].get("namespace") == ns]
                return [self._served(rt, o, version) for o in objs]
            o = self._store[rt.gr].get(self._key(rt, ns, name))
            return self._served(rt, o, version) if o is not None else None

    def get_object(self, path):
        return self.objects(path)

    def put_object(self, obj, manager="fake-kube-apiserver"):
        """Stores obj (created, or replacing the object of that name) with a new
        resourceVersion, as if a client wrote it; watchers see ADDED or MODIFIED. A CRD is
        Established at once. Returns the stored object."""
        obj = copy.deepcopy(obj)
        group, _, version = obj.get("apiVersion", "").rpartition("/")
        with self._lock:
            rt = next((t for t in self._all_types() if t.group == group and t.kind == obj.get(
                "kind")), None)
            if rt is None:
                raise ValueError("no resource for %s %s" % (obj.get("apiVersion"), obj.get("kind")))
            if rt.kind == "CustomResourceDefinition":
                existing = self._store[rt.gr].get(obj["metadata"]["name"])
                if existing is None:
                    return self._served(rt, self._install_crd(obj, manager=manager), "v1")
            meta = obj.setdefault("metadata", {})
            key = self._key(rt, meta.get("namespace"), meta["name"])
            old = self._store[rt.gr].get(key)
            if old is None:
                meta.setdefault("uid", str(uuid.uuid4()))
                meta.setdefault("creationTimestamp", _now())
                if rt.generation:
                    meta.setdefault("generation", 1)
            else:
                for k in ("uid", "creationTimestamp"):
                    meta.setdefault(k, old["metadata"].get(k))
            obj["apiVersion"] = _gv(rt.group, rt.storage_version)
            meta["managedFields"] = self._managed(rt, old, obj, manager, "Update",
                                                  obj["apiVersion"], "")
            meta["resourceVersion"] = self._next_rv()
            self._clean_meta(meta)
            self._write(rt, key, obj, old, "ADDED" if old is None else "MODIFIED")
            return self._served(rt, obj, rt.storage_version)

    def delete_object(self, path):
        """Removes the object at an item path at once (DELETED to watchers); False if absent."""
        with self._lock:
            rt, version, ns, name, _ = self._parse_path(urllib.parse.urlsplit(path).path)
            key = self._key(rt, ns, name)
            old = self._store[rt.gr].get(key)
            if old is None:
                return False
            self._remove(rt, key, old)
            return True

    def crd_established(self, name):
        with self._lock:
            state = self._crds.get(name)
            return bool(state and state["established"])

    # -- store primitives (called with the lock held) -----------------------------------------

    def _all_types(self):
        return list(self._types.values()) + [s["rt"] for s in self._crds.values()]

    def _next_rv(self):
        self._rv += 1
        self._rv_changed.notify_all()
        return str(self._rv)

    def _key(self, rt, ns, name):
        return "%s/%s" % (ns, name) if rt.namespaced else name

    def _write(self, rt, key, obj, old, etype):
        if etype == "DELETED":
            self._store[rt.gr].pop(key, None)
        else:
            self._store[rt.gr][key] = obj
        rv = int(obj["metadata"]["resourceVersion"])
        self._last_rv[rt.gr] = rv
        ev = _Event(rv, etype, rt.gr, key, obj, old)
        self._events.append(ev)
        for w in list(self._watches):
            if w.rt.gr == rt.gr:
                seen = w.translate(etype, obj, old)
                if seen is not None:
                    w.q.put(("event", seen[0], seen[1]))

    def _remove(self, rt, key, old):
        gone = copy.deepcopy(old)
        gone["metadata"]["resourceVersion"] = self._next_rv()
        self._write(rt, key, gone, old, "DELETED")
        return gone

    def _served(self, rt, obj, version):
        out = copy.deepcopy(obj)
        out["apiVersion"] = _gv(rt.group, version)
        out["kind"] = rt.kind
        return out

    def _clean_meta(self, meta):
        for k in list(meta):
            if k in META["~"] and _empty(meta[k]):
                del meta[k]
            elif k in META["?"] and meta[k] is None:
                del meta[k]

    def _snapshot(self, rt, rv):
        """{key: object} of rt as it was at resourceVersion rv (from the event history)."""
        objs = dict(self._store[rt.gr])
        for ev in reversed(self._events):
            if ev.rv <= rv:
                break
            if ev.gr != rt.gr:
                continue
            if ev.type == "ADDED":
                objs.pop(ev.key, None)
            else:
                objs[ev.key] = ev.old
        return objs

    def _seed_namespace(self, name, manager):
        now = _now()
        obj = {"kind": "Namespace", "apiVersion": "v1",
               "metadata": {"name": name, "uid": str(uuid.uuid4()), "resourceVersion": "",
                            "creationTimestamp": now,
                            "labels": {"kubernetes.io/metadata.name": name},
                            "managedFields": [{
                                "manager": manager, "operation": "Update", "apiVersion": "v1",
                                "time": now, "fieldsType": "FieldsV1",
                                "fieldsV1": {"f:metadata": {"f:labels": {
                                    ".": {}, "f:kubernetes.io/metadata.name": {}}}}}]},
               "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}
        obj["metadata"]["resourceVersion"] = self._next_rv()
        self._write(self._types[("", "namespaces")], name, obj, None, "ADDED")

    # -- CRDs ---------------------------------------------------------------------------------

    def _crd_type(self, crd):
        spec = crd["spec"]
        names = spec["names"]
        versions = spec.get("versions") or []
        served = sorted([v["name"] for v in versions if v.get("served")], key=_version_key)
        storage = next((v["name"] for v in versions if v.get("storage")), served[0] if served
                       else "v1")
        status_versions = {v["name"]: "status" in (v.get("subresources") or {}) for v in versions}
        schemas = {v["name"]: ((v.get("schema") or {}).get("openAPIV3Schema") or {})
                   for v in versions}
        return ResourceType(
            spec["group"], served or [storage], names["plural"], names["kind"],
            spec.get("scope") == "Namespaced", builtin=False,
            singular=names.get("singular") or names["kind"].lower(),
            status=any(status_versions.values()), short_names=names.get("shortNames") or (),
            categories=names.get("categories") or (), unconditional=False, generation=True,
            storage_version=storage, list_kind=names.get("listKind"), crd_name=crd["metadata"][
                "name"], schemas=schemas, status_versions=status_versions)

    def _crd_defaults(self, crd):
        spec = crd.setdefault("spec", {})
        names = spec.setdefault("names", {})
        if names.get("kind") and not names.get("listKind"):
            names["listKind"] = names["kind"] + "List"
        if names.get("kind") and not names.get("singular"):
            names["singular"] = names["kind"].lower()
        spec.setdefault("conversion", {"strategy": "None"})
        spec.pop("preserveUnknownFields", None) if spec.get("preserveUnknownFields") is False \
            else None
        for v in spec.get("versions") or []:
            v.setdefault("served", False)
            v.setdefault("storage", False)

    def _crd_validate(self, crd):
        rt = self._types[("apiextensions.k8s.io", "customresourcedefinitions")]
        spec, errs = crd.get("spec") or {}, []
        name = crd["metadata"].get("name", "")
        names = spec.get("names") or {}
        if name != "%s.%s" % (names.get("plural", ""), spec.get("group", "")):
            errs.append(_invalid("metadata.name", name, 'must be spec.names.plural+"."+spec.group'))
        if spec.get("scope") not in ("Cluster", "Namespaced"):
            errs.append(_FieldError("spec.scope", "FieldValueNotSupported",
                                    'supported values: "Cluster", "Namespaced"',
                                    spec.get("scope", ""), True))
        versions = spec.get("versions") or []
        if not versions:
            errs.append(_FieldError("spec.versions", "FieldValueInvalid",
                                    "must have exactly one version marked as storage version",
                                    versions, True))
        elif sum(1 for v in versions if v.get("storage")) != 1:
            errs.append(_invalid("spec.versions", versions,
                                 "must have exactly one version marked as storage version"))
        if not names.get("kind"):
            errs.append(_FieldError("spec.names.kind", "FieldValueRequired", ""))
        if not names.get("plural"):
            errs.append(_FieldError("spec.names.plural", "FieldValueRequired", ""))
        if errs:
            raise _invalid_error(rt, name, errs)

    def _install_crd(self, crd, manager="kubectl-create"):
        """A CRD present from the start (or put_object): stored Established at once."""
        crd.setdefault("apiVersion", "apiextensions.k8s.io/v1")
        crd.setdefault("kind", "CustomResourceDefinition")
        rt_crd = self._types[("apiextensions.k8s.io", "customresourcedefinitions")]
        self._crd_defaults(crd)
        unknown = []
        crd = _prune_spec(crd, CRD, [], unknown)
        meta = crd["metadata"]
        now = _now()
        meta.update(uid=str(uuid.uuid4()), creationTimestamp=now, generation=1)
        crd["status"] = {"conditions": None, "acceptedNames": {"plural": "", "kind": ""},
                         "storedVersions": [v["name"] for v in crd["spec"]["versions"]
                                            if v.get("storage")]}
        meta["managedFields"] = self._managed(rt_crd, None, crd, manager, "Update",
                                             "apiextensions.k8s.io/v1", "")
        meta["resourceVersion"] = self._next_rv()
        self._clean_meta(meta)
        self._write(rt_crd, meta["name"], crd, None, "ADDED")
        self._crds[meta["name"]] = {"rt": self._crd_type(crd), "accepted": False,
                                    "established": False, "terminating": False}
        self._crd_condition(meta["name"], 1, quiet=True)
        return self._crd_condition(meta["name"], 2)

    def _schedule(self, delay, fn, *args):
        with self._lock:
            if self._stopping:
                return

            def run():
                with self._lock:
                    self._timers.discard(timer)
                    if self._stopping:
                        return
                fn(*args)

            timer = threading.Timer(delay, run)
            timer.daemon = True
            self._timers.add(timer)
            timer.start()

    def _crd_condition(self, name, stage, quiet=False):
        """stage 1: NamesAccepted (Established False, Installing); 2: Established."""
        with self._lock:
            rt_crd = self._types[("apiextensions.k8s.io", "customresourcedefinitions")]
            old = self._store[rt_crd.gr].get(name)
            state = self._crds.get(name)
            if old is None or state is None or state["terminating"]:
                return None
            new = copy.deepcopy(old)
            now = _now()
            status = new.setdefault("status", {})
            conds = [c for c in (status.get("conditions") or [])
                     if c["type"] not in ("NamesAccepted", "Established")]
            prev = {c["type"]: c for c in (status.get("conditions") or [])}
            names_cond = {"type": "NamesAccepted", "status": "True",
                          "lastTransitionTime": prev.get("NamesAccepted", {}).get(
                              "lastTransitionTime", now),
                          "reason": "NoConflicts", "message": "no conflicts found"}
            if stage == 1:
                est = {"type": "Established", "status": "False", "lastTransitionTime": now,
                       "reason": "Installing", "message": "the initial names have been accepted"}
            else:
                est = {"type": "Established", "status": "True", "lastTransitionTime": now,
                       "reason": "InitialNamesAccepted",
                       "message": "the initial names have been accepted"}
            status["conditions"] = [names_cond, est] + conds
            status["acceptedNames"] = copy.deepcopy(new["spec"]["names"])
            fields = {"f:status": {
                "f:acceptedNames": {"f:" + k: {} for k in sorted(status["acceptedNames"])},
                "f:conditions": {'k:{"type":"%s"}' % t: {
                    ".": {}, "f:lastTransitionTime": {}, "f:message": {}, "f:reason": {},
                    "f:status": {}, "f:type": {}} for t in ("Established", "NamesAccepted")}}}
            entries = [e for e in new["metadata"].get("managedFields") or []
                       if not (e.get("manager") == "kube-apiserver" and
                               e.get("subresource") == "status")]
            entries.append({"manager": "kube-apiserver", "operation": "Update",
                            "apiVersion": "apiextensions.k8s.io/v1", "time": now,
                            "fieldsType": "FieldsV1", "fieldsV1": _sorted(fields),
                            "subresource": "status"})
            new["metadata"]["managedFields"] = sorted(entries, key=_mf_sort_key)
            new["metadata"]["resourceVersion"] = self._next_rv()
            if quiet:  # start-up install: one stored state, no intermediate event
                self._store[rt_crd.gr][name] = new
                self._events.append(_Event(int(new["metadata"]["resourceVersion"]), "MODIFIED",
                                           rt_crd.gr, name, new, old))
                self._last_rv[rt_crd.gr] = int(new["metadata"]["resourceVersion"])
            else:
                self._write(rt_crd, name, new, old, "MODIFIED")
            state["accepted"] = True
            if stage == 2:
                state["established"] = True
            return new

    def _crd_finish_delete(self, name):
        with self._lock:
            rt_crd = self._types[("apiextensions.k8s.io", "customresourcedefinitions")]
            state = self._crds.get(name)
            if state is None:
                return
            rt = state["rt"]
            for key, obj in sorted(self._store[rt.gr].items()):
                self._remove(rt, key, obj)
            for w in list(self._watches):
                if w.rt.gr == rt.gr:
                    w.q.put(("end", True))
            self._store.pop(rt.gr, None)
            del self._crds[name]
            old = self._store[rt_crd.gr].get(name)
            if old is not None:
                self._remove(rt_crd, name, old)

    # -- routing ------------------------------------------------------------------------------

    def _crd_group_versions(self):
        """{group: [served versions]} of CRD groups, in the order they were first created."""
        out = collections.OrderedDict()
        for state in self._crds.values():
            rt = state["rt"]
            vs = out.setdefault(rt.group, [])
            for v in rt.versions:
                if v not in vs:
                    vs.append(v)
        for g in out:
            out[g].sort(key=_version_key)
        return out

    def _lookup(self, group, version, plural):
        """(rt or None, builtin group-version?) — None for a group/version nobody serves."""
        if (group, version) in (("", "v1"), ("coordination.k8s.io", "v1"),
                                ("apiextensions.k8s.io", "v1")):
            return self._types.get((group, plural)), True
        gvs = self._crd_group_versions()
        if version not in gvs.get(group, []):
            return None, None
        for state in self._crds.values():
            rt = state["rt"]
            if rt.group == group and rt.plural == plural and version in rt.versions and (
                    state["accepted"] or state["established"]):
                return rt, False
        return None, False

    def _parse_path(self, path):
        """(rt, version, namespace, name, subresource) of a resource path; None otherwise;
        raises ApiError for a path under a served group-version that names nothing."""
        parts = [p for p in path.split("/") if p]
        if len(parts) >= 2 and parts[0] == "api" and parts[1] == "v1":
            group, version, rest = "", "v1", parts[2:]
        elif len(parts) >= 3 and parts[0] == "apis":
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            return None
        if not rest:
            return None
        ns = None
        if rest[0] == "namespaces" and len(rest) >= 3 and not (
                group == "" and len(rest) == 3 and rest[2] in ("status", "finalize")):
            ns, rest = rest[1], rest[2:]
        rt, builtin = self._lookup(group, version, rest[0])
        not_found = ApiError(404, "NotFound", "the server could not find the requested resource",
                             {})
        if rt is None:
            if builtin:
                raise not_found
            raise _not_found_text()
        name = rest[1] if len(rest) > 1 else None
        sub = rest[2] if len(rest) > 2 else None
        if len(rest) > 3:
            raise not_found
        if ns is not None and not rt.namespaced:
            raise not_found
        if ns is None and rt.namespaced and name is not None:
            raise not_found
        if sub is not None and not ((sub == "status" and rt.status_versions.get(version)) or
                                    (sub == "finalize" and rt.kind == "Namespace")):
            raise not_found
        return rt, version, ns, name, sub

    def _serve(self, h):
        req = _Req(h)
        try:
            self._read_body(req)
            with self._lock:
                self._requests.append(KubeRequest(req.method, req.raw_path, req.content_type,
                                                  req.body))
            self._authenticate(req)
            resp = self._route(req)
            if resp is not None:
                self._respond(req, *resp)
        except ApiError as e:
            if e.text is not None:
                self._respond(req, e.code, e.text.encode(), "text/plain; charset=utf-8",
                              [("X-Content-Type-Options", "nosniff")] + e.headers)
            else:
                extra = list(e.headers)
                if e.code == 403:
                    extra.append(("X-Content-Type-Options", "nosniff"))
                self._respond(req, e.code, e.body, headers=extra)
        except (OSError, ssl.SSLError):
            h.close_connection = True
        except Exception as e:  # noqa: BLE001 - a bug in the fake: answer 500, say why
            traceback.print_exc()
            try:
                self._respond(req, 500, status_body(500, "InternalError", "fake: %r" % e, {}))
            except OSError:
                h.close_connection = True

    def _read_body(self, req):
        h = req.h
        if h.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(h.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while h.rfile.readline().strip():
                        pass
                    break
                data += h.rfile.read(size)
                h.rfile.readline()
            req.body_bytes = data
        else:
            n = int(h.headers.get("Content-Length") or 0)
            req.body_bytes = h.rfile.read(n) if n else b""
        if req.body_bytes:
            text = req.body_bytes.decode("utf-8", "replace")
            try:
                req.body = json.loads(text)
            except ValueError:
                req.body = text

    def _authenticate(self, req):
        auth = req.headers.get("Authorization")
        if self.token is None:
            req.user = "admin"
            return
        if auth is None:
            req.user = "system:anonymous"
            return
        scheme, _, cred = auth.partition(" ")
        if scheme.lower() == "bearer" and cred.strip() == self.token:
            req.user = "admin"
            return
        raise ApiError(401, "Unauthorized", "Unauthorized")

    def _respond(self, req, code, body, content_type="application/json", headers=()):
        h = req.h
        data = body if isinstance(body, bytes) else _encode(body, req.pretty)
        hdrs = [("Audit-Id", str(uuid.uuid4())), ("Cache-Control", "no-cache, private"),
                ("Content-Type", content_type)] + list(headers)
        hdrs += [("Warning", '299 - %s' % _q(w)) for w in dict.fromkeys(req.warnings)]
        if self.pf_headers and code != 401:
            hdrs += [("X-Kubernetes-Pf-Flowschema-Uid", self._fs_uid),
                     ("X-Kubernetes-Pf-Prioritylevel-Uid", self._pl_uid)]
        h.send_response(code)
        for k, v in sorted(hdrs, key=lambda kv: kv[0]):
            h.send_header(k, v)
        chunked = len(data) > 2048 and req.method != "HEAD"
        if chunked:
            h.send_header("Transfer-Encoding", "chunked")
        h.send_header("Date", h.date_time_string())
        if not chunked:
            h.send_header("Content-Length", str(len(data)))
        h._headers_buffer.append(b"\r\n")  # headers and body in one write
        if req.method != "HEAD" and chunked:
            for i in range(0, len(data), 4096):
                piece = data[i:i + 4096]
                h._headers_buffer.append(b"%x\r\n%s\r\n" % (len(piece), piece))
            h._headers_buffer.append(b"0\r\n\r\n")
        elif req.method != "HEAD":
            h._headers_buffer.append(data)
        h.flush_headers()

    def _accepts_json(self, req):
        accept = req.headers.get("Accept")
        if not accept:
            return True
        for part in accept.split(","):
            mt = part.split(";")[0].strip().lower()
            if mt in ("application/json", "*/*", "application/*", "*"):
                return True
        return False

    def _route(self, req):
        path = req.path.rstrip("/") or "/"
        public = path in ("/version", "/healthz", "/livez", "/readyz") or path.startswith(
            ("/healthz/", "/livez/", "/readyz/"))
        if public and path != "/version":
            return 200, b"ok", "text/plain; charset=utf-8", [("X-Content-Type-Options", "nosniff")]
        if not self._accepts_json(req):
            raise ApiError(406, "NotAcceptable", "406: Not Acceptable\n\nAvailable representations:"
                           " application/json, application/yaml, "
                           "application/vnd.kubernetes.protobuf", {})
        if path == "/version":
            return 200, VERSION_INFO
        with self._lock:
            try:
                info = self._parse_path(path)
            except ApiError:
                info = False
        if info is None or info is False:
            if req.user == "system:anonymous":
                raise ApiError(403, "Forbidden", 'forbidden: User "system:anonymous" cannot %s '
                               'path %s' % (req.method.lower(), _q(req.path)), {})
            if info is None:
                return self._discovery(req, path)
            with self._lock:
                self._parse_path(path)  # raises its 404 again
        rt, version, ns, name, sub = info
        watch = req.method == "GET" and _parse_bool(req.q("watch", ""))
        verb = {"GET": "watch" if watch else ("get" if name else "list"), "POST": "create",
                "PUT": "update", "PATCH": "patch",
                "DELETE": "delete" if name else "deletecollection"}.get(req.method, "")
        if req.user == "system:anonymous":
            self._forbid(req, rt, verb, ns, name, sub)
        if req.method == "GET":
            if name is None:
                return self._watch(req, rt, version, ns) if watch else self._list(req, rt, version,
                                                                                   ns)
            return self._get(req, rt, version, ns, name)
        if req.method == "POST" and name is None:
            return self._create(req, rt, version, ns)
        if req.method == "PUT" and name is not None:
            return self._update(req, rt, version, ns, name, sub)
        if req.method == "PATCH" and name is not None:
            return self._patch(req, rt, version, ns, name, sub)
        if req.method == "DELETE" and sub is None:
            if name is not None:
                return self._delete(req, rt, version, ns, name)
            if "deletecollection" in rt.verbs:
                return self._delete_collection(req, rt, version, ns)
        raise ApiError(405, "MethodNotAllowed",
                       "the server does not allow this method on the requested resource", {})

    def _forbid(self, req, rt, verb, ns, name, sub):
        resource = rt.plural + ("/" + sub if sub else "")
        if rt.kind == "Namespace" and name:
            ns = name
        scope = "in the namespace %s" % _q(ns) if ns else "at the cluster scope"
        who = "%s %s" % (rt.qualified, _q(name)) if name else rt.qualified
        raise ApiError(403, "Forbidden", "%s is forbidden: User %s cannot %s resource %s in API "
                       "group %s %s" % (who, _q(req.user), verb, _q(resource), _q(rt.group),
                                        scope), rt.details(name))

    # -- discovery ----------------------------------------------------------------------------

    def _discovery(self, req, path):
        if req.method != "GET":
            raise ApiError(405, "MethodNotAllowed",
                           "the server does not allow this method on the requested resource", {})
        with self._lock:
            gvs = self._crd_group_versions()
            if path == "/api":
                return 200, {"kind": "APIVersions", "versions": ["v1"],
                             "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                                             "serverAddress": "%s:%d" % (
                                                                 self.host, self._port)}]}
            if path == "/api/v1":
                return 200, {"kind": "APIResourceList", "groupVersion": "v1",
                             "resources": _CORE_RESOURCES}
            groups = [(g, ["v1"]) for g in _BUILTIN_GROUPS] + list(gvs.items())

            def group_doc(g, versions, kind=False):
                d = {"name": g, "versions": [{"groupVersion": _gv(g, v), "version": v}
                                             for v in versions],
                     "preferredVersion": {"groupVersion": _gv(g, versions[0]),
                                          "version": versions[0]}}
                return dict({"kind": "APIGroup", "apiVersion": "v1"}, **d) if kind else d

            if path == "/apis":
                return 200, {"kind": "APIGroupList", "apiVersion": "v1",
                             "groups": [group_doc(g, vs) for g, vs in groups]}
            parts = path.strip("/").split("/")
            if parts[0] == "apis" and len(parts) == 2:
                for g, vs in groups:
                    if g == parts[1]:
                        return 200, group_doc(g, vs, kind=True)
            if parts[0] == "apis" and len(parts) == 3:
                g, v = parts[1], parts[2]
                if (g, v) in _BUILTIN_GROUP_RESOURCES:
                    return 200, {"kind": "APIResourceList", "apiVersion": "v1",
                                 "groupVersion": _gv(g, v),
                                 "resources": _BUILTIN_GROUP_RESOURCES[(g, v)]}
                if v in gvs.get(g, []):
                    return 200, {"kind": "APIResourceList", "apiVersion": "v1",
                                 "groupVersion": _gv(g, v), "resources": self._crd_resources(g, v)}
        raise _not_found_text()

    def _crd_resources(self, group, version):
        out = []
        for state in self._crds.values():
            rt = state["rt"]
            if rt.group != group or version not in rt.versions or not state["established"]:
                continue
            r = {"name": rt.plural, "singularName": rt.singular, "namespaced": rt.namespaced,
                 "kind": rt.kind, "verbs": CR_VERBS}
            if rt.short_names:
                r["shortNames"] = rt.short_names
            if rt.categories:
                r["categories"] = rt.categories
            r["storageVersionHash"] = rt.storage_hash
            out.append(r)
            if rt.status_versions.get(version):
                out.append({"name": rt.plural + "/status", "singularName": "",
                            "namespaced": rt.namespaced, "kind": rt.kind,
                            "verbs": ["get", "patch", "update"]})
        return sorted(out, key=lambda r: r["name"])

    # -- reads --------------------------------------------------------------------------------

    def _wait_rv(self, rv):
        """Waits (up to too_large_rv_wait) for a resourceVersion from the future; 504 then."""
        deadline = time.monotonic() + self.too_large_rv_wait
        with self._lock:
            while self._rv < rv:
                left = deadline - time.monotonic()
                if left <= 0 or self._stopping:
                    raise ApiError(504, "Timeout", "Timeout: Too large resource version: %d, "
                                   "current: %d" % (rv, self._rv),
                                   {"causes": [{"reason": "ResourceVersionTooLarge",
                                                "message": "Too large resource version"}],
                                    "retryAfterSeconds": 1}, headers=[("Retry-After", "1")])
                self._rv_changed.wait(left)

    def _rv_param(self, req, name="resourceVersion"):
        v = req.q(name)
        if v in (None, ""):
            return None
        try:
            n = int(v)
            if n < 0:
                raise ValueError
            return n
        except ValueError:
            raise _bad_request("invalid resource version %s" % _q(v)) from None

    def _get(self, req, rt, version, ns, name):
        rv = self._rv_param(req)
        if rv:
            self._wait_rv(rv)
        with self._lock:
            obj = self._store[rt.gr].get(self._key(rt, ns, name))
            if obj is None:
                raise ApiError(404, "NotFound", "%s %s not found" % (rt.qualified, _q(name)),
                               rt.details(name))
            return 200, rt.render(self._served(rt, obj, version))

    def _selectors(self, req, rt):
        try:
            labels = parse_label_selector(req.q("labelSelector"))
            fields = parse_field_selector(req.q("fieldSelector"), rt.field_selectors)
        except SelectorError as e:
            raise _bad_request(str(e)) from None
        return labels, fields

    def _list_body(self, rt, version, items, rv, token=None, remaining=None):
        if rt.builtin:
            meta = {"resourceVersion": str(rv)}
            if token:
                meta["continue"] = token
            if remaining is not None:
                meta["remainingItemCount"] = remaining
            rendered = []
            for o in items:
                r = rt.render(self._served(rt, o, version))
                r.pop("kind", None)
                r.pop("apiVersion", None)
                rendered.append(r)
            return {"kind": rt.list_kind, "apiVersion": _gv(rt.group, version), "metadata": meta,
                    "items": rendered}
        meta = {"continue": token or "", "resourceVersion": str(rv)}
        if remaining is not None:
            meta["remainingItemCount"] = remaining
        return _sorted({"apiVersion": _gv(rt.group, version), "kind": rt.list_kind,
                        "metadata": meta,
                        "items": [self._served(rt, o, version) for o in items]})

    def _filtered(self, rt, objs, ns, labels, fields):
        out = []
        for key in sorted(objs):
            o = objs[key]
            meta = o["metadata"]
            if ns is not None and meta.get("namespace") != ns:
                continue
            if label_selector_matches(labels, meta.get("labels")) and field_selector_matches(
                    fields, o):
                out.append((key, o))
        return out

    def _list(self, req, rt, version, ns):
        labels, fields = self._selectors(req, rt)
        try:
            limit = int(req.q("limit") or 0)
        except ValueError:
            raise _bad_request("invalid limit %s" % _q(req.q("limit"))) from None
        cont = req.q("continue")
        rv = self._rv_param(req)
        match = req.q("resourceVersionMatch")
        if cont and rv is not None:
            raise _bad_request("specifying resource version is not allowed when using continue")
        if rv and rv > 0:
            self._wait_rv(rv)
        with self._lock:
            start = ""
            read_rv = self._rv
            if cont:
                try:
                    raw = base64.urlsafe_b64decode(cont + "=" * (-len(cont) % 4))
                    token = json.loads(raw)
                    tok_rv, start = int(token["rv"]), token["start"]
                    if token.get("v") != "meta.k8s.io/v1":
                        raise ValueError("incorrect encoded start resourceVersion (version "
                                         "meta.k8s.io/v1)")
                except (ValueError, KeyError, TypeError) as e:
                    raise _bad_request("continue key is not valid: %s" % e) from None
                if tok_rv > 0 and tok_rv < self._compacted_rv:
                    fresh = self._token(-1, start)
                    raise ApiError(410, "Expired", CONTINUE_EXPIRED, metadata={"continue": fresh})
                read_rv = tok_rv if tok_rv > 0 else self._rv
                objs = self._snapshot(rt, read_rv)
            elif match == "Exact" and rv is not None:
                if rv < self._compacted_rv:
                    raise ApiError(410, "Expired",
                                   "The resourceVersion for the provided list is too old.")
                read_rv = rv
                objs = self._snapshot(rt, rv)
            else:
                objs = self._store[rt.gr]
                if rv == 0 and match is None:
                    limit = 0  # served from the watch cache: limit ignored
            matching = [(k, o) for k, o in self._filtered(rt, objs, ns, labels, fields)
                        if self._token_key(rt, ns, k) >= start]
            token = remaining = None
            if limit > 0 and len(matching) > limit:
                page = matching[:limit]
                token = self._token(read_rv, self._token_key(rt, ns, page[-1][0]) + "\x00")
                if not labels and not fields:
                    remaining = len(matching) - limit
                matching = page
            return 200, self._list_body(rt, version, [o for _, o in matching], read_rv, token,
                                        remaining)

    def _token_key(self, rt, ns, key):
        return key.split("/", 1)[1] if (rt.namespaced and ns is not None) else key

    def _token(self, rv, start):
        raw = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": start},
                         separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode()

    def _watch(self, req, rt, version, ns):
        labels, fields = self._selectors(req, rt)
        rv = self._rv_param(req)
        try:
            timeout = float(req.q("timeoutSeconds")) if req.q("timeoutSeconds") else None
        except ValueError:
            raise _bad_request("invalid timeoutSeconds %s" % _q(req.q("timeoutSeconds"))) from None
        bookmarks = _parse_bool(req.q("allowWatchBookmarks", ""))
        w = _Watch(rt, version, ns, labels, fields)
        w.path = req.path
        initial, too_old = [], None
        with self._lock:
            if rv:
                if rv < self._watch_cache_rv:
                    too_old = status_body(410, "Expired", "too old resource version: %d (%d)" % (
                        rv, self._watch_cache_rv))
                else:
                    for ev in self._events:
                        if ev.rv > rv and ev.gr == rt.gr:
                            seen = w.translate(ev.type, ev.obj, ev.old)
                            if seen is not None:
                                initial.append(seen)
                w.start_rv = rv
            else:
                for _, o in self._filtered(rt, self._store[rt.gr], ns, labels, fields):
                    initial.append(("ADDED", o))
                w.start_rv = self._rv
            if too_old is None:
                self._watches.add(w)
        h = req.h
        clean = True
        try:
            h.send_response(200)
            hdrs = [("Audit-Id", str(uuid.uuid4())), ("Cache-Control", "no-cache, private"),
                    ("Content-Type", "application/json")]
            if self.pf_headers:
                hdrs += [("X-Kubernetes-Pf-Flowschema-Uid", self._fs_uid),
                         ("X-Kubernetes-Pf-Prioritylevel-Uid", self._pl_uid)]
            for k, v in hdrs:
                h.send_header(k, v)
            h.send_header("Transfer-Encoding", "chunked")
            h.send_header("Date", h.date_time_string())
            h.end_headers()
            if too_old is not None:
                self._chunk(h, _encode({"type": "ERROR", "object": too_old}))
                return None
            batch = b"".join(self._event_line(rt, version, t, o) for t, o in initial)
            for i in range(0, len(batch), 2048):  # replayed events: 2048-byte chunks
                self._chunk(h, batch[i:i + 2048])
            start = time.monotonic()
            deadline = start + timeout if timeout else None
            periodic = start + self.bookmark_interval if self.bookmark_interval else None
            pre_timeout = None
            if deadline is not None and timeout - self.bookmark_lead > 1.5:
                pre_timeout = deadline - self.bookmark_lead
            while True:
                now = time.monotonic()
                if deadline is not None and now >= deadline:
                    break
                due = [t for t in (periodic, pre_timeout) if t is not None]
                if bookmarks and due and min(due) <= now:
                    if pre_timeout is not None and pre_timeout <= now:
                        pre_timeout = None
                    if periodic is not None and periodic <= now:
                        periodic = now + self.bookmark_interval
                    with self._lock:
                        current, last = self._rv, self._last_rv.get(rt.gr, 0)
                    if current >= w.start_rv:
                        self._chunk(h, _encode({"type": "BOOKMARK", "object": rt.bookmark(
                            str(max(w.start_rv, last)), version)}))
                    continue
                waits = [t - now for t in ([deadline] if deadline else []) +
                         (due if bookmarks else [])]
                try:
                    item = w.q.get(timeout=max(0.0, min(waits)) if waits else None)
                except queue.Empty:
                    continue
                if item[0] == "end":
                    clean = item[1]
                    break
                self._chunk(h, self._event_line(rt, version, item[1], item[2]))
        except (OSError, ssl.SSLError):
            clean = False
            h.close_connection = True
        finally:
            with self._lock:
                self._watches.discard(w)
            if clean:
                try:
                    h.wfile.write(b"0\r\n\r\n")
                except OSError:
                    h.close_connection = True
            else:
                h.close_connection = True
                try:
                    h.request.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        return None

    def _event_line(self, rt, version, etype, obj):
        return _encode({"type": etype, "object": rt.render(self._served(rt, obj, version))})

    def _chunk(self, h, data):
        if data:
            h.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    # -- writes -------------------------------------------------------------------------------

    def _manager(self, req):
        return req.q("fieldManager") or (req.ua.split("/")[0] if req.ua else "unknown")

    def _dry_run(self, req, options=None):
        if options is not None:
            return "All" in (options.get("dryRun") or [])
        return "All" in req.query.get("dryRun", [])

    def _decode(self, req, rt, version, text=None, media=None):
        """The request body as an object for rt (400 for what a Go decoder refuses)."""
        media = media if media is not None else req.media_type
        raw = text if text is not None else req.body_bytes.decode("utf-8", "replace")
        if media in ("application/json", ""):
            try:
                obj = json.loads(raw)
            except ValueError as e:
                what = ("unexpected end of JSON input" if e.pos >= len(raw.rstrip())
                        else "invalid character %s looking for beginning of value"
                        % _q(raw[e.pos]).replace('"', "'"))
                snippet = raw[:30] + " ..." if len(raw) > 30 else raw
                raise _bad_request("the object provided is unrecognized (must be of type %s): "
                                   "couldn't get version/kind; json parse error: %s (%s)" % (
                                       rt.kind, what, snippet)) from None
        elif media in ("application/yaml", "application/apply-patch+yaml"):
            try:
                obj = load_yaml(raw)
            except YamlError as e:
                raise _bad_request("error converting YAML to JSON: yaml: %s" % e) from None
        else:
            raise ApiError(415, "UnsupportedMediaType", "415: Unsupported Media Type", {})
        if not isinstance(obj, dict):
            raise _bad_request("the object provided is unrecognized (must be of type %s): couldn't"
                               " get version/kind; json parse error: json: cannot unmarshal %s "
                               "into Go value of type struct { APIVersion string "
                               "\"json:\\\"apiVersion,omitempty\\\"\"; Kind string "
                               "\"json:\\\"kind,omitempty\\\"\" }" % (
                                   rt.kind, "array" if isinstance(obj, list) else "string"))
        return self._check_type(req, rt, version, obj)

    def _check_type(self, req, rt, version, obj):
        gv = _gv(rt.group, version)
        api_version, kind = obj.get("apiVersion"), obj.get("kind")
        if rt.builtin and kind and kind != rt.kind:
            other = api_version or gv
            pkg = other.rsplit("/", 1)[-1]
            raise _bad_request("%s in version %s cannot be handled as a %s: converting (%s.%s) to "
                               "(%s.%s): unknown conversion" % (kind, _q(pkg), rt.kind, pkg, kind,
                                                                rt.internal_pkg, rt.kind))
        if api_version and api_version != gv:
            raise _bad_request("the API version in the data (%s) does not match the expected API "
                               "version (%s)" % (api_version, gv))
        if not isinstance(obj.get("metadata", {}), dict):
            raise _bad_request("%s in version %s cannot be handled as a %s: json: cannot "
                               "unmarshal %s into Go struct field %s.metadata of type "
                               "v1.ObjectMeta" % (rt.kind, _q(version), rt.kind,
                                                  type(obj["metadata"]).__name__, rt.kind))
        meta = obj.setdefault("metadata", {})
        for field in ("labels", "annotations"):
            for k, v in (meta.get(field) or {}).items():
                if not isinstance(v, str):
                    raise _bad_request("%s in version %s cannot be handled as a %s: json: cannot "
                                       "unmarshal %s into Go struct field ObjectMeta.metadata.%s "
                                       "of type string" % (rt.kind, _q(version), rt.kind,
                                                           _json_kind(v), field))
        if rt.kind == "ConfigMap":
            for k, v in (obj.get("data") or {}).items():
                if not isinstance(v, str):
                    raise _bad_request("ConfigMap in version \"v1\" cannot be handled as a "
                                       "ConfigMap: json: cannot unmarshal %s into Go struct field "
                                       "ConfigMap.data of type string" % _json_kind(v))
        if rt.kind == "Lease":
            for field in ("acquireTime", "renewTime"):
                err = _microtime_error((obj.get("spec") or {}).get(field))
                if err:
                    raise _bad_request("Lease in version \"v1\" cannot be handled as a Lease: "
                                       + err)
        obj["apiVersion"], obj["kind"] = gv, rt.kind
        return obj

    def _prune(self, req, rt, version, obj):
        """Drops unknown fields: Warning headers, or 400 with fieldValidation=Strict."""
        unknown = []
        meta = _prune_spec(obj.get("metadata") or {}, META, ["metadata"], unknown)
        if rt.builtin:
            obj = _prune_spec(obj, rt.spec, [], unknown)
        else:
            schema = rt.schemas.get(version) or {}
            obj = self._prune_cr(obj, schema, unknown)
        obj["metadata"] = meta
        mode = req.q("fieldValidation") or "Warn"
        unknown = sorted(set(u for u in unknown if u not in ("apiVersion", "kind")))
        if unknown and mode == "Strict":
            raise _bad_request("%s in version %s cannot be handled as a %s: strict decoding "
                               "error: %s" % (rt.kind, _q(version), rt.kind, ", ".join(
                                   "unknown field %s" % _q(u) for u in unknown)))
        if mode != "Ignore":
            req.warnings += ["unknown field %s" % _q(u) for u in unknown]
        return obj

    def _prune_cr(self, obj, schema, unknown):
        def prune(value, s, path):
            if not isinstance(s, dict):
                return value
            if isinstance(value, dict):
                props = s.get("properties") or {}
                addl = s.get("additionalProperties")
                keep_all = s.get("x-kubernetes-preserve-unknown-fields") is True or addl is True
                embedded = s.get("x-kubernetes-embedded-resource") is True
                out = {}
                for k, v in value.items():
                    p = path + [k]
                    if (not path or embedded) and k in ("apiVersion", "kind", "metadata"):
                        out[k] = v
                    elif k in props:
                        out[k] = prune(v, props[k], p)
                    elif isinstance(addl, dict):
                        out[k] = prune(v, addl, p)
                    elif keep_all:
                        out[k] = v
                    else:
                        unknown.append(_fmt_path(p))
                return out
            if isinstance(value, list) and isinstance(s.get("items"), dict):
                return [prune(v, s["items"], path[:-1] + [path[-1] + "[%d]" % i] if path else
                              ["[%d]" % i]) for i, v in enumerate(value)]
            return value
        return prune(obj, schema, [])

    def _default_cr(self, obj, schema):
        def default(value, s):
            if not isinstance(s, dict):
                return value
            if isinstance(value, dict):
                props = s.get("properties") or {}
                for k, ps in props.items():
                    if not isinstance(ps, dict) or "default" not in ps:
                        continue
                    if k not in value or (value[k] is None and not ps.get("nullable")):
                        value[k] = copy.deepcopy(ps["default"])
                addl = s.get("additionalProperties")
                for k, v in list(value.items()):
                    if k == "metadata" and s is schema:
                        continue
                    if k in props:
                        value[k] = default(v, props[k])
                    elif isinstance(addl, dict):
                        value[k] = default(v, addl)
                return value
            if isinstance(value, list) and isinstance(s.get("items"), dict):
                return [default(v, s["items"]) for v in value]
            return value
        return default(obj, schema)

    def _validate_cr(self, obj, schema):
        errs = []
        names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer",
                 float: "number", type(None): "null"}

        def check(value, s, path):
            if not isinstance(s, dict):
                return
            p = _fmt_path(path)
            jt = names.get(type(value), "string")
            t = s.get("type")
            if value is None and s.get("nullable"):
                return
            if s.get("x-kubernetes-int-or-string"):
                if not isinstance(value, (int, str)) or isinstance(value, bool):
                    errs.append(_FieldError(p, "FieldValueTypeInvalid", "%s in body must be of "
                                            "type integer or string: %s" % (p, _q(jt)), jt, True))
                return
            if t and not (t == jt or (t == "number" and jt == "integer") or (
                    t == "integer" and jt == "number" and float(value).is_integer())):
                errs.append(_FieldError(p, "FieldValueTypeInvalid", "%s in body must be of type "
                                        "%s: %s" % (p, t, _q(jt)), jt, True))
                return
            if "enum" in s and value not in s["enum"]:
                supported = ", ".join(json.dumps(e) for e in s["enum"])
                errs.append(_FieldError(p, "FieldValueNotSupported",
                                        "supported values: " + supported, value, True))
            if isinstance(value, dict):
                for r in s.get("required") or []:
                    if r not in value:
                        errs.append(_FieldError(_fmt_path(path + [r]), "FieldValueRequired", ""))
                props = s.get("properties") or {}
                addl = s.get("additionalProperties")
                for k, v in value.items():
                    if not path and k in ("apiVersion", "kind", "metadata"):
                        continue
                    if k in props:
                        check(v, props[k], path + [k])
                    elif isinstance(addl, dict):
                        check(v, addl, path + [k])
            elif isinstance(value, list) and isinstance(s.get("items"), dict):
                for i, v in enumerate(value):
                    check(v, s["items"], path[:-1] + [path[-1] + "[%d]" % i])
        check(obj, schema, [])
        return errs

    def _prepare(self, req, rt, version, obj, old):
        """What the registry strategy, defaulting and validation do to a create (old None) or
        an update; raises 422."""
        meta = obj["metadata"]
        if rt.kind == "Namespace":
            meta.setdefault("labels", {})["kubernetes.io/metadata.name"] = meta.get("name", "")
            if old is None:
                obj["spec"] = {"finalizers": ["kubernetes"]}
                obj["status"] = {"phase": "Active"}
        elif rt.kind == "CustomResourceDefinition":
            self._crd_defaults(obj)
        elif not rt.builtin:
            obj = self._default_cr(obj, rt.schemas.get(version) or {})
        errs = []
        name = meta.get("name", "")
        if not name and not meta.get("generateName"):
            errs.append(_FieldError("metadata.name", "FieldValueRequired",
                                    "name or generateName is required"))
        elif name:
            errs += _validate_name(name, dns_label=rt.kind == "Namespace")
        errs += _validate_meta_maps(meta)
        if not rt.builtin:
            errs += self._validate_cr(obj, rt.schemas.get(version) or {})
        if rt.kind == "ConfigMap" and old is not None and old.get("immutable"):
            if obj.get("data") != old.get("data") or obj.get("binaryData") != old.get("binaryData"):
                errs.append(_FieldError("data", "FieldValueForbidden",
                                        "field is immutable when `immutable` is set"))
        if errs:
            raise _invalid_error(rt, name, errs)
        if rt.kind == "CustomResourceDefinition":
            self._crd_validate(obj)
        return obj

    def _check_namespace(self, rt, ns, name):
        if not rt.namespaced:
            return
        nso = self._store[("", "namespaces")].get(ns)
        if nso is None:
            raise ApiError(404, "NotFound", "namespaces %s not found" % _q(ns),
                           {"name": ns, "kind": "namespaces"})
        if nso["metadata"].get("deletionTimestamp"):
            raise ApiError(403, "Forbidden", "%s %s is forbidden: unable to create new content in "
                           "namespace %s because it is being terminated" % (rt.qualified, _q(name),
                                                                            ns),
                           dict(rt.details(name), causes=[{
                               "reason": "NamespaceTerminating",
                               "message": "namespace %s is being terminated" % ns,
                               "field": "metadata.namespace"}]))

    def _scope(self, rt, sub):
        if sub == "status":
            return lambda p: p[:1] == ("f:status",)
        if rt.status:
            return lambda p: p[:1] != ("f:status",)
        return lambda p: True

    def _managed(self, rt, old, new, manager, operation, api_version, sub, applied=None):
        """The managedFields of new after `manager` wrote it (see structured-merge-diff)."""
        entries = copy.deepcopy((old or {}).get("metadata", {}).get("managedFields") or [])
        in_scope = self._scope(rt, sub)
        old_paths = _field_paths(old if old is not None else rt.zero)
        new_paths = _field_paths(new)
        present = set(new_paths)
        changed = {p for p, v in new_paths.items()
                   if in_scope(p) and (p not in old_paths or not _same(old_paths[p], v))}
        out, mine = [], None
        for e in entries:
            is_mine = (e.get("manager") == manager and e.get("operation") == operation and
                       (e.get("subresource") or "") == sub and
                       (operation == "Apply" or e.get("apiVersion") == api_version))
            s = _parse_fields(e.get("fieldsV1")) & present
            if is_mine:
                mine = (e, s)
                continue
            s -= changed
            if s:
                e["fieldsV1"] = _render_fields(s)
                out.append(e)
        if applied is not None:
            mine_set = applied
        else:
            mine_set = (mine[1] if mine else set()) | changed
        if mine_set:
            e = {"manager": manager, "operation": operation, "apiVersion": api_version,
                 "time": _now(), "fieldsType": "FieldsV1", "fieldsV1": _render_fields(mine_set)}
            if sub:
                e["subresource"] = sub
            out.append(e)
        return sorted(out, key=_mf_sort_key)

    def _create(self, req, rt, version, ns, obj=None, manager=None, operation="Update",
                applied=None):
        state = self._crds.get(rt.crd_name) if rt.crd_name else None
        if state and state["terminating"]:
            raise ApiError(405, "MethodNotAllowed", "create is not supported on resources of kind "
                           "%s" % _q(rt.qualified), {"group": rt.group, "kind": rt.plural})
        if obj is None:
            obj = self._decode(req, rt, version)
        meta = obj["metadata"]
        if rt.namespaced:
            if meta.get("namespace") and meta["namespace"] != ns:
                raise _bad_request("the namespace of the provided object does not match the "
                                   "namespace sent on the request")
            meta["namespace"] = ns
        else:
            meta.pop("namespace", None)
        obj = self._prune(req, rt, version, obj)
        meta = obj["metadata"]
        for k in ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp",
                  "deletionGracePeriodSeconds", "generation", "selfLink", "managedFields"):
            meta.pop(k, None)
        if rt.status and rt.kind != "Namespace":
            obj.pop("status", None)
        with self._lock:
            if not meta.get("name") and meta.get("generateName"):
                meta["name"] = meta["generateName"] + "".join(random.choice(NAME_CHARS)
                                                              for _ in range(5))
            if rt.kind != "Namespace":
                self._check_namespace(rt, ns, meta.get("name", ""))
            request_obj = copy.deepcopy(obj)
            if not rt.builtin:
                request_obj = self._default_cr(request_obj, rt.schemas.get(version) or {})
            if rt.kind == "Namespace":
                request_obj.setdefault("metadata", {}).setdefault("labels", {})[
                    "kubernetes.io/metadata.name"] = meta.get("name", "")
            obj = self._prepare(req, rt, version, obj, None)
            meta = obj["metadata"]
            name = meta["name"]
            key = self._key(rt, ns, name)
            if key in self._store[rt.gr]:
                raise ApiError(409, "AlreadyExists", "%s %s already exists" % (
                    rt.qualified, _q(name)), rt.details(name))
            if rt.kind == "CustomResourceDefinition":
                obj["status"] = {"conditions": None, "acceptedNames": {"plural": "", "kind": ""},
                                 "storedVersions": [v["name"] for v in obj["spec"]["versions"]
                                                    if v.get("storage")]}
            meta["uid"] = str(uuid.uuid4())
            meta["creationTimestamp"] = _now()
            if rt.generation:
                meta["generation"] = 1
            meta["managedFields"] = self._managed(
                rt, None, request_obj if rt.kind != "CustomResourceDefinition" else obj,
                manager or self._manager(req), operation, _gv(rt.group, version), "",
                applied=applied)
            obj["apiVersion"] = _gv(rt.group, rt.storage_version)
            if self._dry_run(req):
                self._clean_meta(meta)
                return 201, rt.render(self._served(rt, obj, version))
            meta["resourceVersion"] = self._next_rv()
            self._clean_meta(meta)
            self._write(rt, key, obj, None, "ADDED")
            if rt.kind == "CustomResourceDefinition":
                self._crds[name] = {"rt": self._crd_type(obj), "accepted": False,
                                    "established": False, "terminating": False}
                self._schedule(self.establish_delay / 2, self._crd_condition, name, 1)
                self._schedule(self.establish_delay, self._crd_condition, name, 2)
            return 201, rt.render(self._served(rt, obj, version))

    def _conflict(self, rt, name):
        return ApiError(409, "Conflict", CONFLICT_MESSAGE % (rt.qualified, name),
                        rt.details(name))

    def _update(self, req, rt, version, ns, name, sub):
        body = self._decode(req, rt, version)
        meta = body["metadata"]
        if meta.get("name", "") != name:
            raise _bad_request("the name of the object (%s) does not match the name on the URL "
                               "(%s)" % (meta.get("name", ""), name))
        if rt.namespaced:
            if meta.get("namespace") and meta["namespace"] != ns:
                raise _bad_request("the namespace of the provided object does not match the "
                                   "namespace sent on the request")
            meta["namespace"] = ns
        with self._lock:
            old = self._store[rt.gr].get(self._key(rt, ns, name))
            if old is None:
                if rt.create_on_update and sub is None:
                    return self._create(req, rt, version, ns, obj=body)
                raise ApiError(404, "NotFound", "%s %s not found" % (rt.qualified, _q(name)),
                               rt.details(name))
            rv = meta.get("resourceVersion")
            if not rv and not rt.unconditional:
                raise _invalid_error(rt, name, [_invalid("metadata.resourceVersion", 0,
                                                         "must be specified for an update")])
            if rv and rv != old["metadata"]["resourceVersion"]:
                raise self._conflict(rt, name)
            if meta.get("uid") and meta["uid"] != old["metadata"]["uid"]:
                raise ApiError(409, "Conflict", "Operation cannot be fulfilled on %s %s: "
                               "Precondition failed: UID in precondition: %s, UID in object meta: "
                               "%s" % (rt.qualified, _q(name), old["metadata"]["uid"], meta["uid"]),
                               rt.details(name))
            return self._write_update(req, rt, version, ns, name, sub, old, body)

    def _write_update(self, req, rt, version, ns, name, sub, old, candidate, manager=None,
                      operation="Update", applied=None):
        """The common end of PUT, PATCH and apply: 200 with the stored object."""
        candidate = self._prune(req, rt, version, candidate)
        old_served = self._served(rt, old, version)
        if sub == "status":
            new = copy.deepcopy(old_served)
            if "status" in candidate:
                new["status"] = candidate["status"]
            else:
                new.pop("status", None)
        elif sub == "finalize":
            new = copy.deepcopy(old_served)
            new.setdefault("spec", {})["finalizers"] = (candidate.get("spec") or {}).get(
                "finalizers") or []
        else:
            new = copy.deepcopy(candidate)
            if rt.status:
                if "status" in old_served:
                    new["status"] = copy.deepcopy(old_served["status"])
                else:
                    new.pop("status", None)
            if rt.kind == "Namespace":
                new.setdefault("spec", {})["finalizers"] = (old_served.get("spec") or {}).get(
                    "finalizers", [])
        meta, old_meta = new.setdefault("metadata", {}), old_served["metadata"]
        if sub is not None:
            new["metadata"] = meta = copy.deepcopy(old_meta)
        for k in ("name", "namespace", "uid", "creationTimestamp", "deletionTimestamp",
                  "deletionGracePeriodSeconds", "generation", "selfLink", "managedFields",
                  "resourceVersion"):
            if k in old_meta:
                meta[k] = copy.deepcopy(old_meta[k])
            else:
                meta.pop(k, None)
        new = self._prepare(req, rt, version, new, old_served)
        if rt.generation:
            def strip(o):
                return {k: v for k, v in o.items() if k not in ("metadata", "status")}
            if strip(new) != strip(old_served):
                new["metadata"]["generation"] = int(old_meta.get("generation") or 1) + 1
        unchanged = lambda o: dict(o, metadata={k: v for k, v in o["metadata"].items()  # noqa
                                                if k not in ("managedFields", "resourceVersion")})
        new["metadata"]["managedFields"] = self._managed(
            rt, old_served, new, manager or self._manager(req), operation,
            _gv(rt.group, version), sub or "", applied=applied)
        if sub == "finalize":
            new["metadata"]["managedFields"] = old_meta.get("managedFields") or []
        self._clean_meta(new["metadata"])
        if unchanged(new) == unchanged(old_served) and (
                applied is None or _parse_fields_all(new) == _parse_fields_all(old_served)):
            return 200, rt.render(old_served)
        new["apiVersion"] = _gv(rt.group, rt.storage_version)
        if self._dry_run(req):
            return 200, rt.render(self._served(rt, new, version))
        new["metadata"]["resourceVersion"] = self._next_rv()
        key = self._key(rt, ns, name)
        self._write(rt, key, new, old, "MODIFIED")
        if rt.kind == "CustomResourceDefinition" and name in self._crds:
            self._crds[name]["rt"] = self._crd_type(new)
        if new["metadata"].get("deletionTimestamp") and not new["metadata"].get("finalizers") \
                and rt.kind not in ("Namespace", "CustomResourceDefinition"):
            self._remove(rt, key, new)
        if rt.kind == "Namespace" and sub == "finalize" and new["metadata"].get(
                "deletionTimestamp") and not new["spec"].get("finalizers"):
            self._remove(rt, key, new)
        return 200, rt.render(self._served(rt, new, version))

    def _patch(self, req, rt, version, ns, name, sub):
        media = req.media_type
        text = req.body_bytes.decode("utf-8", "replace")
        kinds = ("application/json-patch+json", "application/merge-patch+json",
                 "application/strategic-merge-patch+json", "application/apply-patch+yaml")
        if media not in kinds:
            raise ApiError(415, "UnsupportedMediaType", "415: Unsupported Media Type", {})
        if media == "application/strategic-merge-patch+json" and not rt.builtin:
            raise ApiError(415, "UnsupportedMediaType", "the body of the request was in an unknown "
                           "format - accepted media types include: application/json-patch+json, "
                           "application/merge-patch+json, application/apply-patch+yaml")
        if media == "application/apply-patch+yaml":
            return self._apply(req, rt, version, ns, name, sub, text)
        try:
            patch = json.loads(text)
        except ValueError as e:
            raise _bad_request("error decoding patch: %s" % e) from None
        with self._lock:
            old = self._store[rt.gr].get(self._key(rt, ns, name))
            if old is None:
                raise ApiError(404, "NotFound", "%s %s not found" % (rt.qualified, _q(name)),
                               rt.details(name))
            current = self._served(rt, old, version)
            try:
                if media == "application/json-patch+json":
                    patched = json_patch(current, patch)
                else:
                    if not isinstance(patch, dict):
                        raise PatchError("json: cannot unmarshal %s into Go value of type "
                                         "map[string]interface {}" % _json_kind(patch))
                    patched = merge_patch(current, patch)
            except PatchError as e:
                raise ApiError(422, "Invalid", str(e), {"causes": [{
                    "reason": "UnexpectedServerResponse", "message": str(e)}]}) from None
            if not isinstance(patched, dict):
                raise _bad_request("the patched object is not an object")
            patched = self._check_type(req, rt, version, patched)
            pm = patched["metadata"]
            if pm.get("name") != name:
                raise _bad_request("the name of the object (%s) does not match the name on the "
                                   "URL (%s)" % (pm.get("name", ""), name))
            if pm.get("resourceVersion") and pm["resourceVersion"] != old["metadata"][
                    "resourceVersion"]:
                raise self._conflict(rt, name)
            return self._write_update(req, rt, version, ns, name, sub, old, patched)

    def _apply(self, req, rt, version, ns, name, sub, text):
        manager = req.q("fieldManager")
        if not manager:
            raise ApiError(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager:"
                           " Required value: is required for apply patch",
                           {"group": "meta.k8s.io", "kind": "PatchOptions", "causes": [{
                               "reason": "FieldValueRequired",
                               "message": "Required value: is required for apply patch",
                               "field": "fieldManager"}]})
        cfg = self._decode(req, rt, version, text=text, media="application/apply-patch+yaml")
        cm = cfg["metadata"]
        if cm.get("name", name) != name:
            raise _bad_request("the name of the object (%s) does not match the name on the URL "
                               "(%s)" % (cm.get("name"), name))
        cm["name"] = name
        if rt.namespaced:
            if cm.get("namespace") and cm["namespace"] != ns:
                raise _bad_request("the namespace of the provided object does not match the "
                                   "namespace sent on the request")
            cm["namespace"] = ns
        force = _parse_bool(req.q("force", ""))
        with self._lock:
            old = self._store[rt.gr].get(self._key(rt, ns, name))
            scoped = self._scope(rt, sub or "")
            pruned = self._prune(req, rt, version, copy.deepcopy(cfg))
            applied = {p for p in _field_paths(pruned, leaves_only=True) if scoped(p)}
            if old is None:
                if sub is not None:
                    raise ApiError(404, "NotFound", "%s %s not found" % (rt.qualified, _q(name)),
                                   rt.details(name))
                return self._create(req, rt, version, ns, obj=cfg, manager=manager,
                                    operation="Apply", applied=applied)
            live = self._served(rt, old, version)
            live_paths = _field_paths(live)
            cfg_paths = _field_paths(pruned)
            conflicts = []
            prev = set()
            for e in live["metadata"].get("managedFields") or []:
                s = _parse_fields(e.get("fieldsV1"))
                if (e.get("manager") == manager and e.get("operation") == "Apply" and
                        (e.get("subresource") or "") == (sub or "")):
                    prev = s
                    continue
                for p in sorted(s & applied):
                    if p in live_paths and not _same(live_paths[p], cfg_paths.get(p)):
                        conflicts.append((e, p))
            if conflicts and not force:
                raise self._apply_conflict(conflicts)
            merged = _deep_merge(live, pruned)
            others = set()
            for e in live["metadata"].get("managedFields") or []:
                if not (e.get("manager") == manager and e.get("operation") == "Apply"):
                    others |= _parse_fields(e.get("fieldsV1"))
            for p in sorted(prev - applied - others, key=len, reverse=True):
                _delete_path(merged, p)
            merged["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"]
            return self._write_update(req, rt, version, ns, name, sub, old, merged,
                                      manager=manager, operation="Apply", applied=applied)

    def _apply_conflict(self, conflicts):
        def who(e):
            s = _q(e.get("manager", ""))
            if e.get("subresource"):
                s += " with subresource %s" % _q(e["subresource"])
            if e.get("operation") == "Update":
                s += " using %s" % e.get("apiVersion", "")
            return s
        causes = [{"reason": "FieldManagerConflict", "message": "conflict with %s" % who(e),
                   "field": _path_str(p)} for e, p in conflicts]
        if len(conflicts) == 1:
            e, p = conflicts[0]
            msg = "Apply failed with 1 conflict: conflict with %s: %s" % (who(e), _path_str(p))
        else:
            groups = collections.OrderedDict()
            for e, p in conflicts:
                groups.setdefault(who(e), []).append(_path_str(p))
            lines = []
            for w in sorted(groups):
                lines.append("conflicts with %s:" % w)
                lines += ["- %s" % p for p in groups[w]]
            msg = "Apply failed with %d conflicts: %s" % (len(conflicts), "\n".join(lines))
        return ApiError(409, "Conflict", msg, {"causes": causes})

    def _delete_options(self, req):
        if not req.body_bytes:
            return None
        if not isinstance(req.body, dict):
            raise _bad_request("the object provided is unrecognized (must be of type "
                               "DeleteOptions)")
        return req.body

    def _delete(self, req, rt, version, ns, name):
        options = self._delete_options(req)
        dry = self._dry_run(req, options)
        with self._lock:
            key = self._key(rt, ns, name)
            old = self._store[rt.gr].get(key)
            if old is None:
                raise ApiError(404, "NotFound", "%s %s not found" % (rt.qualified, _q(name)),
                               rt.details(name))
            pre = (options or {}).get("preconditions") or {}
            om = old["metadata"]
            if pre.get("uid") and pre["uid"] != om["uid"]:
                raise ApiError(409, "Conflict", "Operation cannot be fulfilled on %s %s: the UID "
                               "in the precondition (%s) does not match the UID in record (%s). "
                               "The object might have been deleted and then recreated" % (
                                   rt.qualified, _q(name), pre["uid"], om["uid"]),
                               rt.details(name))
            if pre.get("resourceVersion") and pre["resourceVersion"] != om["resourceVersion"]:
                raise ApiError(409, "Conflict", "Operation cannot be fulfilled on %s %s: the "
                               "ResourceVersion in the precondition (%s) does not match the "
                               "ResourceVersion in record (%s). The object might have been "
                               "modified" % (rt.qualified, _q(name), pre["resourceVersion"],
                                             om["resourceVersion"]), rt.details(name))
            return self._delete_one(rt, version, key, old, dry)

    def _delete_one(self, rt, version, key, old, dry):
        name, om = old["metadata"]["name"], old["metadata"]
        if rt.kind == "Namespace" or rt.kind == "CustomResourceDefinition" or om.get("finalizers"):
            if om.get("deletionTimestamp"):
                return 200, rt.render(self._served(rt, old, version))
            new = copy.deepcopy(old)
            nm = new["metadata"]
            nm["deletionTimestamp"] = _now()
            if rt.kind == "Namespace":
                new.setdefault("status", {})["phase"] = "Terminating"
            else:
                nm["deletionGracePeriodSeconds"] = 0
            if rt.kind == "CustomResourceDefinition":
                if CRD_FINALIZER not in (nm.get("finalizers") or []):
                    nm["finalizers"] = (nm.get("finalizers") or []) + [CRD_FINALIZER]
                new["status"]["conditions"] = (new["status"].get("conditions") or []) + [{
                    "type": "Terminating", "status": "True", "lastTransitionTime": _now(),
                    "reason": "InstanceDeletionInProgress",
                    "message": "CustomResource deletion is in progress"}]
            if dry:
                return 200, rt.render(self._served(rt, new, version))
            nm["resourceVersion"] = self._next_rv()
            self._write(rt, key, new, old, "MODIFIED")
            if rt.kind == "CustomResourceDefinition" and name in self._crds:
                self._crds[name]["terminating"] = True
                self._schedule(0.02, self._crd_finish_delete, name)
            return 200, rt.render(self._served(rt, new, version))
        if not dry:
            self._remove(rt, key, old)
        return 200, status_body(200, None, details=rt.details(name, om["uid"]), success=True)

    def _delete_collection(self, req, rt, version, ns):
        labels, fields = self._selectors(req, rt)
        options = self._delete_options(req)
        dry = self._dry_run(req, options)
        with self._lock:
            rv = self._rv
            victims = self._filtered(rt, self._store[rt.gr], ns, labels, fields)
            for key, obj in victims:
                self._delete_one(rt, version, key, obj, dry)
            return 200, self._list_body(rt, version, [o for _, o in victims], rv)


def _json_kind(v):
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    if v is None:
        return "null"
    return "string"


def _parse_fields_all(obj):
    return [(e.get("manager"), e.get("operation"), e.get("subresource"),
             json.dumps(e.get("fieldsV1"), sort_keys=True))
            for e in obj["metadata"].get("managedFields") or []]


# ---------------------------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description="A fake kube-apiserver 1.26 on 127.0.0.1.")
    parser.add_argument("--port-file", required=True,
                        help="written with the port once the server listens")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--http", action="store_true", help="plain HTTP instead of HTTPS")
    parser.add_argument("--token", default=None, help="the bearer token that is admin")
    parser.add_argument("--kubeconfig", default=None, help="write a kubeconfig here")
    parser.add_argument("--establish-delay", type=float, default=0.2)
    parser.add_argument("--crd", action="append", default=[],
                        help="a CRD file (JSON or YAML) installed at start-up")
    parser.add_argument("--no-gatekeeper-crds", action="store_true")
    parser.add_argument("--namespace", action="append", default=None,
                        help="namespaces created at start-up (default: gatehouse-system)")
    parser.add_argument("--work-dir", default=None, help="where the TLS files go")
    args = parser.parse_args(argv)
    crds = []
    for path in args.crd:
        with open(path) as f:
            crds += [d for d in load_yaml_documents(f.read()) if isinstance(d, dict)]
    fake = FakeKubeApiserver(tls=not args.http, token=args.token, crds=crds,
                             establish_delay=args.establish_delay,
                             gatekeeper_crds=not args.no_gatekeeper_crds,
                             namespaces=args.namespace if args.namespace is not None else (
                                 "gatehouse-system",),
                             work_dir=args.work_dir, port=args.port)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    fake.start()
    if args.kubeconfig:
        fake.kubeconfig(args.kubeconfig)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % fake.port)
    os.replace(tmp, args.port_file)
    print("fake kube-apiserver listening on %s%s" % (fake.url, (" (CA %s)" % fake.ca_file)
                                                     if fake.ca_file else ""), flush=True)
    try:
        while not done.wait(0.5):
            pass
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
