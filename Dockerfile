# syntax=docker/dockerfile:1
# One image for the scoring service and the strategy programs, with bin/ as entry points under /opt/knas
# (docs/operations/kubernetes.md):
#   docker build -t knas:0.1.0 .                     # CPU: PyTorch's CPU library from Maven Central
#   docker build --target gpu -t knas:0.1.0-gpu .    # CUDA: mvn -Pgpu plus libtorch 2.7.1+cu128 (docs/operations/devices.md)
# CI has no Docker engine and does not build it; .ci/run checks what it copies (deploy/docker/stage-runtime).

FROM maven:3.9-eclipse-temurin-17 AS source
WORKDIR /src
COPY . .

FROM source AS build
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests package && deploy/docker/stage-runtime /dist

# The GPU profile leaves PyTorch's CPU library out; the engine loads the CUDA one from PYTORCH_LIBRARY_PATH.
FROM source AS build-gpu
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -Pgpu -DskipTests package && deploy/docker/stage-runtime /dist

# libtorch 2.7.1+cu128 and the CUDA libraries it links against (the nvidia-* wheels, found through torch/lib's
# relative RPATH), taken from the PyTorch wheel; Python itself stays in this stage.
FROM python:3.12-slim AS libtorch
RUN pip install --no-cache-dir --target /opt/libtorch --index-url https://download.pytorch.org/whl/cu128 torch==2.7.1

FROM eclipse-temurin:17-jre-jammy AS runtime
# The uid and gid the Kubernetes manifests run as (runAsUser 10001); the root filesystem may be read-only, so
# everything written goes to /tmp (DJL's extracted engine) or to mounted volumes.
RUN groupadd --system --gid 10001 knas && useradd --system --uid 10001 --gid knas --no-create-home knas
# tcmalloc, which bin/scoring-service preloads: libtorch's allocation pattern runs faster and steadier on it.
RUN apt-get update && apt-get install -y --no-install-recommends libtcmalloc-minimal4 \
    && rm -rf /var/lib/apt/lists/*
ENV PATH=/opt/knas/bin:$PATH DJL_CACHE_DIR=/tmp/djl ENGINE_CACHE_DIR=/tmp/djl
WORKDIR /opt/knas
EXPOSE 50051 50052
USER 10001:10001
CMD ["scoring-service", "--help"]

FROM runtime AS gpu
COPY --from=libtorch /opt/libtorch/torch/lib /opt/libtorch/torch/lib
COPY --from=libtorch /opt/libtorch/nvidia /opt/libtorch/nvidia
COPY --from=build-gpu /dist /opt/knas
ENV PYTORCH_LIBRARY_PATH=/opt/libtorch/torch/lib PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128 \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility

# The default target: the CPU image.
FROM runtime AS cpu
COPY --from=build /dist /opt/knas
