# Sourced by the other scripts: puts the project's own tools first on PATH (tools/bin: wrappers,
# tools/node_modules/.bin: sass and binaryen from npm).
export PATH="$PWD/tools/bin:$PWD/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# mold (Debian's, installed by setup.sh) links the many large test and server binaries several
# times faster than the default linker. Same flags for the tests and the release build, so they
# still share every artifact.
if command -v mold >/dev/null 2>&1; then
  export CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS="-C link-arg=-fuse-ld=mold"
fi
