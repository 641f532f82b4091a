// The scale benchmark's load tool (hack/bench-scale.sh): creates the pods through the real
// injection webhook and acts as their sidecars against the real operator. Standard library only.
module palisade.dev/bench/scale

go 1.24.0
