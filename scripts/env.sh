# Sourced by the other scripts: puts the project's own tools first on PATH.
export PATH="$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
