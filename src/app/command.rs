//! What the user asked for. UI code only returns these; one place applies them.

use crate::api::{ApiKey, Role};
use crate::key_query::SortColumn;

use super::Screen;

#[must_use]
#[derive(Debug)]
pub enum Command {
    // Key table
    Refresh,
    SetFilterText(String),
    SetRoleFilter(Option<Role>),
    SortBy(SortColumn),
    Select(ApiKey, bool),
    ToggleSelectAll,
    Reveal(ApiKey),
    Hide(ApiKey),
    Copy(ApiKey),

    // Dialogs
    OpenCreate,
    SubmitCreate,
    AskRevoke(Vec<ApiKey>),
    AskRevokeSelected,
    ConfirmRevoke,
    AskRotate(ApiKey),
    RotateCreate,
    RotateRevokeOld,
    CloseDialog,

    // Connection and settings
    Show(Screen),
    TrySandbox,
    TestConnection,
    SaveCredentials,
    KeepForSession,
    Forget,
    SwitchProfile(String),
    NewProfile,
    DeleteProfile,
    CreateKeyAndSwitch(Role),
    DismissSettingsWarning,
}
