# METADATA
# title: Image references
# description: Splits container image references into registry, repository, tag and digest, and normalises them as Docker does.
package lib.gatehouse.images

# The reference without its digest ("nginx:1.25@sha256:..." -> "nginx:1.25").
name(image) := split(image, "@")[0]

# The digest after "@" (undefined when there is none).
digest(image) := d if {
	i := indexof(image, "@")
	i >= 0
	d := substring(image, i + 1, -1)
	d != ""
}

has_digest(image) if digest(image)

# The last path component of the name (where a tag lives; a registry port never does).
_last_component(image) := c if {
	parts := split(name(image), "/")
	c := parts[count(parts) - 1]
}

# The tag (undefined when there is none): "registry:5000/app" has no tag, "app:1.0" has "1.0".
tag(image) := t if {
	last := _last_component(image)
	i := indexof(last, ":")
	i >= 0
	t := substring(last, i + 1, -1)
}

has_tag(image) if {
	t := tag(image)
	t != ""
}

# The repository: the name without its tag ("registry:5000/team/app:1" -> "registry:5000/team/app").
repository(image) := r if {
	n := name(image)
	t := tag(image)
	r := substring(n, 0, (count(n) - count(t)) - 1)
} else := name(image)

# A first component names a registry when it has a "." or a ":" or is "localhost" (Docker's rule).
_is_registry(component) if contains(component, ".")

_is_registry(component) if contains(component, ":")

_is_registry(component) if component == "localhost"

# [registry, path] of a repository, Docker Hub ("docker.io") when none is written.
_registry_and_path(repo) := [registry, path] if {
	i := indexof(repo, "/")
	i > 0
	first := substring(repo, 0, i)
	_is_registry(first)
	registry := _docker_hub_alias(first)
	path := substring(repo, i + 1, -1)
} else := ["docker.io", repo]

_docker_hub_alias(r) := "docker.io" if {
	r in {"index.docker.io", "registry-1.docker.io"}
} else := r

# The registry an image is pulled from ("nginx" -> "docker.io", "localhost:5000/app" -> "localhost:5000").
registry(image) := r if {
	[r, _] := _registry_and_path(repository(image))
}

# The fully qualified repository: "nginx" -> "docker.io/library/nginx", "team/app" -> "docker.io/team/app".
normalized_repository(image) := concat("/", [r, _library(r, path)]) if {
	[r, path] := _registry_and_path(repository(image))
}

_library(r, path) := concat("/", ["library", path]) if {
	r == "docker.io"
	not contains(path, "/")
} else := path

# The fully qualified reference: "nginx:1.25" -> "docker.io/library/nginx:1.25" (tag and digest kept).
normalized(image) := concat("", [normalized_repository(image), _tag_suffix(image), _digest_suffix(image)])

_tag_suffix(image) := concat("", [":", tag(image)]) if {
	tag(image)
} else := ""

_digest_suffix(image) := concat("", ["@", digest(image)]) if {
	digest(image)
} else := ""
