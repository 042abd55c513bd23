module github.com/webos-engine/webos

go 1.26.0
