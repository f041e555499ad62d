# The two commands a newcomer needs. Both install whatever is missing first (scripts/setup.sh).
.PHONY: run test e2e bench

## Build and run Lore on embedded SQLite with demo content at http://127.0.0.1:3000
run:
	scripts/run.sh

## Run every test: fmt, clippy, unit + integration (SQLite and PostgreSQL), browser tests
test:
	scripts/test.sh

## Only the browser tests, against the current release build
e2e:
	scripts/e2e.sh

## The benchmarks under bench/ (each prints one JSON object as its last line)
bench:
	bench/home_ssr.sh
	bench/signed_in_ssr.sh
	bench/abuse.sh
	bench/store_queries.sh
	bench/autosave.sh
	bench/upload.sh
	bench/learner_bytes.sh
	bench/fanout.sh
	bench/sse.sh
	bench/catalog.sh
	bench/progress.sh
