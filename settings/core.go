package settings

// CoreModule is the module name of the core's own settings; its system
// settings need application.PermissionSettingsManage and
// application.PermissionSettingsRead.
const CoreModule = "system"

// SystemSettings are the core's system settings.
type SystemSettings struct {
	SMTP SMTP `json:"smtp,omitzero" jsonschema:"description=The mail server the engine sends through"`
	// Storage names the event store backend the operator wants; the
	// running one is chosen by --eventstore at start.
	Storage string `json:"storage,omitempty" jsonschema:"enum=sqlite,enum=postgres,enum=kurrentdb,default=sqlite"`
	// APIKeys are the keys of external services by name.
	APIKeys map[string]string `json:"apiKeys,omitempty" secret:"true" jsonschema:"description=Keys of external services by name (secret)"`
	// DisabledModules are the modules an operator turned off.
	DisabledModules []string `json:"disabledModules,omitempty" jsonschema:"uniqueItems=true"`
}

// SMTP is the mail server.
type SMTP struct {
	Host     string `json:"host,omitempty" jsonschema:"maxLength=253"`
	Port     int    `json:"port,omitempty" jsonschema:"minimum=1,maximum=65535,default=587"`
	User     string `json:"user,omitempty" jsonschema:"maxLength=320"`
	Password string `json:"password,omitempty" secret:"true" jsonschema:"maxLength=1024"`
}

// UserSettings are the core's settings of each user.
type UserSettings struct {
	Theme         string        `json:"theme,omitempty" jsonschema:"enum=system,enum=light,enum=dark,default=system"`
	Language      string        `json:"language,omitempty" jsonschema:"pattern=^[a-z]{2}(-[A-Z]{2})?$,default=en"`
	Notifications Notifications `json:"notifications,omitzero"`
}

// Notifications are a user's notification toggles.
type Notifications struct {
	Email bool `json:"email,omitempty" jsonschema:"default=true"`
	InApp bool `json:"inApp,omitempty" jsonschema:"default=true"`
}

// RegisterCore registers the core's system and user settings.
func (s *Service) RegisterCore() error {
	if err := s.Register(System, CoreModule, SystemSettings{}); err != nil {
		return err
	}
	return s.Register(User, CoreModule, UserSettings{})
}
