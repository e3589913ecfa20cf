#!/usr/bin/env bash
# Adds a migration for both providers: ./scripts/add-migration.sh <Name>
# The model is one; each provider keeps its own migrations (docs/decisions/0003-embedded-and-distributed.md).
set -euo pipefail
name="${1:?usage: scripts/add-migration.sh <MigrationName>}"
cd "$(dirname "$0")/.."
command -v dotnet-ef >/dev/null || dotnet tool install --global dotnet-ef --version 10.0.15
export PATH="$PATH:$HOME/.dotnet/tools"
for provider in Sqlite Postgres; do
  dotnet ef migrations add "$name" --project Builder.Core --startup-project Builder.Core \
    --context "${provider}BuilderDbContext" --output-dir "Persistence/Migrations/$provider" \
    --namespace "Builder.Core.Persistence.Migrations.$provider"
  # dotnet-ef places the model snapshot by namespace; keep it beside its migrations.
  if [ -d Builder.Core/Builder ]; then
    mv Builder.Core/Builder/Core/Persistence/Migrations/$provider/*.cs "Builder.Core/Persistence/Migrations/$provider/"
    rm -rf Builder.Core/Builder
  fi
done
