"""A tiny OCI image, built with the standard library only, for registry push/pull tests.

    from harness.oci_image import OciImage

    image = OciImage("team-demo")          # same name -> byte-identical image
    path = image.write_archive(tmp_dir)    # an `oci-archive:` tar, tagged image.tag
    # skopeo copy oci-archive:%s:%s docker://... % (path, image.tag)
    image.manifest_digest                  # "sha256:..." of the manifest as skopeo pushes it
    image.file_content                     # what /hello.txt in the one layer holds
    image.blobs()                          # {digest: bytes} of config + layer (a raw /v2 push)

The image is an OCI image layout (oci-layout, index.json, blobs/sha256/...) holding one
manifest (application/vnd.oci.image.manifest.v1+json), one config and one gzip layer with a
single file `hello.txt` whose text names the image. Every timestamp is zero and every owner
is root, so the same name always gives the same digests; different names give different
layers, so a test can tell which image it pulled. Nothing here touches the network.
"""

import gzip
import hashlib
import io
import json
import os
import tarfile

MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
CONFIG_TYPE = "application/vnd.oci.image.config.v1+json"
LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip"
FILE_NAME = "hello.txt"


def _digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _canonical(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def _tar(entries):
    """A deterministic tar of {name: bytes} (sorted, mtime 0, root-owned, mode 0644)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in sorted(entries):
            data = entries[name]
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = "root"
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


class OciImage:
    """One image; all content is computed in the constructor (immutable afterwards)."""

    def __init__(self, name, tag="1"):
        self.name = name
        self.tag = tag
        self.file_content = ("hello from %s\n" % name).encode()
        layer_tar = _tar({FILE_NAME: self.file_content})
        self.layer = gzip.compress(layer_tar, mtime=0)
        self.config = _canonical({
            "architecture": "amd64",
            "os": "linux",
            "config": {"Labels": {"org.gatehouse.test.image": name}},
            "rootfs": {"type": "layers", "diff_ids": [_digest(layer_tar)]},
            "history": [{"created_by": "gatehouse tests/integration/harness/oci_image.py"}],
        })
        self.manifest = _canonical({
            "schemaVersion": 2,
            "mediaType": MANIFEST_TYPE,
            "config": {"mediaType": CONFIG_TYPE, "digest": _digest(self.config),
                       "size": len(self.config)},
            "layers": [{"mediaType": LAYER_TYPE, "digest": _digest(self.layer),
                        "size": len(self.layer)}],
        })
        self.manifest_digest = _digest(self.manifest)
        self.layer_digest = _digest(self.layer)
        self.config_digest = _digest(self.config)

    def blobs(self):
        """{digest: bytes} of the config and the layer (what a push uploads before the
        manifest)."""
        return {self.config_digest: self.config, self.layer_digest: self.layer}

    def layout_files(self):
        """{relative path: bytes} of the OCI image layout."""
        index = _canonical({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": [{"mediaType": MANIFEST_TYPE, "digest": self.manifest_digest,
                           "size": len(self.manifest),
                           "annotations": {"org.opencontainers.image.ref.name": self.tag}}],
        })
        files = {"oci-layout": _canonical({"imageLayoutVersion": "1.0.0"}),
                 "index.json": index}
        for data in (self.manifest, self.config, self.layer):
            files["blobs/sha256/" + hashlib.sha256(data).hexdigest()] = data
        return files

    def archive_bytes(self):
        """The `oci-archive:` tar (deterministic)."""
        return _tar(self.layout_files())

    def write_archive(self, directory):
        """Writes <directory>/<name>.oci.tar and returns its path."""
        path = os.path.join(directory, "%s.oci.tar" % self.name.replace("/", "_"))
        with open(path, "wb") as f:
            f.write(self.archive_bytes())
        return path


def read_layout_file(layout_dir, tag=None):
    """The content of hello.txt in the image of an `oci:` layout folder (what `skopeo copy
    ... oci:DIR:TAG` wrote): follows index.json (the entry tagged `tag`, else the only one)
    to the manifest and its first layer. Returns (manifest digest, file bytes)."""
    def blob(digest):
        algo, hex_ = digest.split(":", 1)
        with open(os.path.join(layout_dir, "blobs", algo, hex_), "rb") as f:
            return f.read()

    with open(os.path.join(layout_dir, "index.json"), "rb") as f:
        index = json.load(f)
    entries = index["manifests"]
    if tag is not None:
        entries = [m for m in entries
                   if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == tag]
    if len(entries) != 1:
        raise ValueError("expected one manifest in %s, found %d" % (layout_dir, len(entries)))
    manifest_digest = entries[0]["digest"]
    manifest = json.loads(blob(manifest_digest))
    layer = blob(manifest["layers"][0]["digest"])
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(layer))) as tar:
        member = tar.extractfile(FILE_NAME)
        if member is None:
            raise ValueError("%s is not a file in the layer" % FILE_NAME)
        return manifest_digest, member.read()


if __name__ == "__main__":  # self-check: determinism and a readable layout
    import tempfile

    a, b, c = OciImage("team-demo"), OciImage("team-demo"), OciImage("team-other")
    assert a.archive_bytes() == b.archive_bytes(), "not deterministic"
    assert a.manifest_digest != c.manifest_digest, "names must give different images"
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(a.write_archive(tmp)) as tar:
            tar.extractall(os.path.join(tmp, "layout"))
        digest, content = read_layout_file(os.path.join(tmp, "layout"), a.tag)
        assert digest == a.manifest_digest and content == a.file_content
    print("oci_image OK: %s" % a.manifest_digest)
