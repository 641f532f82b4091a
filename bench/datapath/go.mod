module palisade.dev/bench/datapath

go 1.25
