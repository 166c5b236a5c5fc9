# The lumina-wave action's image (action.yml: runs.using docker, image Dockerfile).
# GitHub's rules for Docker actions: runs as root, no WORKDIR (the runner passes
# -w /github/workspace), exec-form ENTRYPOINT. BASE_IMAGE must provide python3 >= 3.11
# with venv; git is installed when the base lacks it.
ARG BASE_IMAGE=python:3.12-slim

# --- build: a venv holding the package and its dependencies, nothing else -----------------
FROM ${BASE_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore PIP_PROGRESS_BAR=off
COPY pyproject.toml README.md /src/
COPY lumina_wave /src/lumina_wave
# Every dependency ships wheels, so no compiler is needed. Byte-code is compiled once here
# (unchecked-hash: the image never changes, so no stat of the source at import), and pip
# and setuptools leave the venv: nothing installs at run time.
RUN python3 -m venv /app/venv \
 && /app/venv/bin/pip install --no-compile /src \
 && /app/venv/bin/pip uninstall --yes pip setuptools \
 && /app/venv/bin/python -m compileall -q -j 0 --invalidation-mode unchecked-hash /app/venv/lib

# --- run --------------------------------------------------------------------------------------
FROM ${BASE_IMAGE}
# Legs run git inside the container on a workspace the runner's user owns: install git when
# the base lacks it, and trust every directory system-wide (HOME is /github/home at run time),
# which avoids git's "dubious ownership" refusal (actions/runner#2033). git is the base's
# distribution's own: a pinned version would tie the file to one base image.
# hadolint ignore=DL3008
RUN if ! command -v git >/dev/null; then \
      apt-get update \
      && DEBIAN_FRONTEND=noninteractive apt-get install --yes --no-install-recommends git \
      && rm -rf /var/lib/apt/lists/*; \
    fi \
 && git config --system --add safe.directory '*'
COPY --from=build /app/venv /app/venv
COPY entrypoint.py /app/entrypoint.py
# -I: isolated from the caller's PYTHON* variables, user site and the workspace on sys.path;
# -B: write no byte-code (it is precompiled); -u: stdout and stderr in order in the log;
# -X utf8: issue titles print whatever locale the runner passes.
ENTRYPOINT ["/app/venv/bin/python", "-I", "-B", "-u", "-X", "utf8", "/app/entrypoint.py"]
