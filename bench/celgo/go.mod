module github.com/loyalkit/loyalkit/bench/celgo

go 1.24

require github.com/loyalkit/loyalkit v0.0.0

require (
	cel.dev/expr v0.24.0 // indirect
	github.com/antlr4-go/antlr/v4 v4.13.0 // indirect
	github.com/expr-lang/expr v1.17.8 // indirect
	github.com/google/cel-go v0.26.1
	github.com/shopspring/decimal v1.6.0 // indirect
	github.com/stoewer/go-strcase v1.2.0 // indirect
	golang.org/x/exp v0.0.0-20230515195305-f3d0a9c9a5cc // indirect
	golang.org/x/text v0.22.0 // indirect
	google.golang.org/genproto/googleapis/api v0.0.0-20240826202546-f6391c0de4c7 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20240826202546-f6391c0de4c7 // indirect
	google.golang.org/protobuf v1.34.2 // indirect
)

replace github.com/loyalkit/loyalkit => ../..
