# Multi-stage build: a release binary with libpq, SQLite and OpenSSL linked in statically,
# on a slim runtime image.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin colophon

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /data colophon \
 && mkdir -p /data && chown colophon /data
COPY --from=build /src/target/release/colophon /usr/local/bin/colophon
USER colophon
ENV COLOPHON_BIND=0.0.0.0:8080 \
    COLOPHON_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["colophon"]
CMD ["serve"]
