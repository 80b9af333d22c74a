package lib.gatehouse.images_test

import data.lib.gatehouse.images

_digest := "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

test_tags if {
	images.tag("nginx:1.25") == "1.25"
	images.tag("registry.example.com:5000/team/app:v1") == "v1"
	not images.tag("registry.example.com:5000/team/app")
	not images.tag("nginx")
	not images.tag(concat("", ["nginx@", _digest]))
	images.tag(concat("", ["nginx:latest@", _digest])) == "latest"
}

test_digests if {
	images.digest(concat("", ["nginx@", _digest])) == _digest
	images.has_digest(concat("", ["localhost:5000/app@", _digest]))
	not images.has_digest("nginx:1.25")
	not images.has_digest("nginx@")
}

test_repository if {
	images.repository("nginx") == "nginx"
	images.repository("nginx:1.25") == "nginx"
	images.repository("registry:5000/app") == "registry:5000/app"
	images.repository("registry:5000/app:2") == "registry:5000/app"
	images.repository(concat("", ["ghcr.io/org/app:1@", _digest])) == "ghcr.io/org/app"
}

test_registry if {
	images.registry("nginx") == "docker.io"
	images.registry("team/app:1") == "docker.io"
	images.registry("index.docker.io/library/nginx") == "docker.io"
	images.registry("localhost/app") == "localhost"
	images.registry("localhost:5000/app") == "localhost:5000"
	images.registry("quay.io/org/app:1") == "quay.io"
}

test_normalized if {
	images.normalized("nginx") == "docker.io/library/nginx"
	images.normalized("nginx:1.25") == "docker.io/library/nginx:1.25"
	images.normalized("team/app:1") == "docker.io/team/app:1"
	images.normalized("docker.io/nginx") == "docker.io/library/nginx"
	images.normalized("index.docker.io/team/app") == "docker.io/team/app"
	images.normalized("registry:5000/app") == "registry:5000/app"
	images.normalized(concat("", ["ghcr.io/org/app:1@", _digest])) == concat("", ["ghcr.io/org/app:1@", _digest])
}
