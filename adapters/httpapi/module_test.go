package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// The stock module is the smallest module that exercises every route: an
// aggregate with a create and an update command, a projection and a view,
// plus commands that fail in each way the API must map.

type created struct {
	Item string `json:"item"`
}

func (created) EventType() string { return "stock.Created" }

type received struct {
	Item string `json:"item"`
	Qty  int    `json:"qty"`
}

func (received) EventType() string { return "stock.Received" }

type item struct {
	domain.Base
	qty int
}

func newItem(name string) *item { return &item{Base: domain.NewBase("stock.item-" + name)} }

func (i *item) Apply(e domain.Event) {
	if r, ok := e.(received); ok {
		i.qty += r.Qty
	}
}

type create struct {
	Item string `json:"item"`
}

type receive struct {
	Item string `json:"item"`
	Qty  int    `json:"qty"`
}

type empty struct{}

// secret is the text of an internal error that must never reach a client.
const secret = "dial tcp 10.0.0.5:5432: password=hunter2"

var itemsSpec = application.CollectionSpec{Name: "stock_items", Fields: []application.FieldSpec{
	{Name: "item", Type: application.String},
	{Name: "qty", Type: application.Number},
	{Name: "active", Type: application.Bool},
}}

type stockModule struct{}

func (stockModule) Manifest() application.Manifest {
	return application.Manifest{Name: "stock", Version: "1.0.0", Permissions: []application.Permission{
		{Name: "stock.write", Description: "change stock"}, {Name: "stock.admin", Description: "audit stock"},
		{Name: "stock.read", Description: "read stock", ReadOnly: true},
	}}
}

func (stockModule) Register(r *application.Registrar) error {
	application.RegisterEvent[created](r, 1)
	application.RegisterEvent[received](r, 1)
	repo := r.Repository()
	application.RegisterCommand(r, "Create", "stock.write", application.AggregateHandler(repo, application.MustBeNew,
		func(c create) *item { return newItem(c.Item) },
		func(_ context.Context, a *item, c create) error { domain.Raise(a, created(c)); return nil }))
	application.RegisterCommand(r, "Receive", "stock.write", application.AggregateHandler(repo, application.MustExist,
		func(c receive) *item { return newItem(c.Item) },
		func(_ context.Context, a *item, c receive) error {
			if c.Qty <= 0 {
				return domain.Errorf(domain.KindRejected, "qty_not_positive", "quantity must be positive")
			}
			domain.Raise(a, received(c))
			return nil
		}))
	application.RegisterCommand(r, "Fail", "stock.write", func(context.Context, empty) (application.Result, error) {
		return application.Result{}, errors.New(secret)
	})
	application.RegisterCommand(r, "Panic", "stock.write", func(context.Context, empty) (application.Result, error) {
		panic(secret)
	})
	application.RegisterCommand(r, "Audit", "stock.admin", func(context.Context, empty) (application.Result, error) {
		return application.Result{}, nil
	})

	p := application.NewProjection("stock.items", itemsSpec)
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, _ domain.Envelope, e created) error {
		return tx.Upsert(ctx, itemsSpec.Name, e.Item, map[string]any{"item": e.Item, "qty": 0, "active": true})
	})
	application.On(p, func(ctx context.Context, tx application.ReadModelTx, _ domain.Envelope, e received) error {
		doc, err := tx.Get(ctx, itemsSpec.Name, e.Item)
		if err != nil {
			return err
		}
		var cur struct{ Qty int }
		if err := json.Unmarshal(doc, &cur); err != nil {
			return err
		}
		return tx.Patch(ctx, itemsSpec.Name, e.Item, map[string]any{"qty": cur.Qty + e.Qty})
	})
	r.Projection(p)
	r.View("items", application.View{Collection: itemsSpec, Permission: "stock.read",
		DefaultSort: []application.SortKey{{Field: "item"}}})
	return nil
}

// denyAdmin forbids the stock.admin permission, so a 403 can be seen.
type denyAdmin struct{}

func (denyAdmin) Authorize(_ context.Context, a application.Access) (application.Grant, error) {
	if a.Permission.Name == "stock.admin" {
		return application.Grant{}, domain.Errorf(domain.KindForbidden, "forbidden", "you may not use %s", a.Permission.Name)
	}
	return application.Grant{}, nil
}
