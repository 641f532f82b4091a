module palisade.dev/hack/demo-app

go 1.24.0
