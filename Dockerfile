# hbdesk serve, for a server deployment (see docker-compose.yml).
FROM python:3.12-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md constraints.txt ./
COPY hbdesk hbdesk
COPY hbdesk_plugins hbdesk_plugins
COPY hbdesk_themes hbdesk_themes
# the versions the tests last passed with
RUN pip install --no-cache-dir -c constraints.txt .

ENV HBDESK_DATA_DIR=/data
VOLUME /data
EXPOSE 8000
CMD ["hbdesk", "serve", "--host", "0.0.0.0", "--port", "8000"]
