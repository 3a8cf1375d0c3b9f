# syntax=docker/dockerfile:1
# Production image: build with CMake (Release) on Debian 12, run on debian:12-slim
# with only the shared libraries, as an unprivileged user.
#   docker build -t knutepunkt .      (or: docker compose up --build, see compose.yaml)

# ---- build stage ------------------------------------------------------------------
FROM debian:12 AS build
# libcurl4-gnutls-dev, not -openssl-dev: libulfius-dev depends on the gnutls one.
# check: CMakeLists may look for it even though tests are not built here.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      build-essential cmake pkg-config \
      libulfius-dev libmicrohttpd-dev libjansson-dev libjwt-dev libpq-dev libargon2-dev \
      libcurl4-gnutls-dev check \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
 && cmake --build build --parallel "$(nproc)" --target knutepunkt

# ---- runtime stage ----------------------------------------------------------------
FROM debian:12-slim
# Runtime packages of the -dev packages above (apt-cache show <dev> | grep Depends):
# libulfius2.7 (pulls libcurl3-gnutls, libgnutls30), libmicrohttpd12, libjansson4,
# libjwt0, libpq5, libargon2-1, libyder2.0 and liborcania2.3 (ulfius' logging/utils).
# curl is only for the HEALTHCHECK.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libulfius2.7 libmicrohttpd12 libjansson4 libjwt0 libpq5 libargon2-1 \
      libyder2.0 liborcania2.3 ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin knutepunkt
COPY --from=build /src/build/knutepunkt /usr/local/bin/knutepunkt
# Fail the image build, not the first start, if a shared library is missing.
RUN ! ldd /usr/local/bin/knutepunkt | grep 'not found'
COPY migrations/ /app/migrations/
COPY data/ /app/data/
COPY openapi/ /app/openapi/
WORKDIR /app
USER knutepunkt
# The server applies migrations from MIGRATIONS_DIR at start. In a container it must
# listen on all interfaces to be reachable through the published port.
ENV MIGRATIONS_DIR=/app/migrations \
    BIND_ADDRESS=0.0.0.0 \
    PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT}/healthz" >/dev/null || exit 1
# Exec form: the server is PID 1 and gets SIGTERM from `docker stop` directly.
ENTRYPOINT ["/usr/local/bin/knutepunkt"]
