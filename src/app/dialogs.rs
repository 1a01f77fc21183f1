//! The state of the dialog that is open, if any. Only one is open at a time.

use zeroize::Zeroizing;

use crate::api::{ApiKey, NewApiKey, Role};
use crate::pem::private_key_body;

#[allow(clippy::large_enum_variant)] // one dialog at a time: size does not matter
pub enum Dialog {
    Create(CreateForm),
    /// A key was just created: show it in full, once, with its copy button.
    Created(ApiKey),
    Revoke(RevokeForm),
    Rotate(RotateFlow),
}

/// The "Add API Key" form.
pub struct CreateForm {
    pub name: String,
    pub role: Role,
    pub customer: String,
    /// A private key is a secret too: wiped from memory when the form closes.
    pub private_key: Zeroizing<String>,
    pub error: Option<String>,
    /// Set when the dialog opens: the Name field takes the focus in the first frame.
    pub focus_name: bool,
}

impl Default for CreateForm {
    fn default() -> Self {
        CreateForm {
            name: String::new(),
            // The console's default, and the least powerful role.
            role: Role::Licensee,
            customer: String::new(),
            private_key: Zeroizing::new(String::new()),
            error: None,
            focus_name: true,
        }
    }
}

impl CreateForm {
    /// Nothing typed yet: closing the form loses nothing.
    pub fn is_blank(&self) -> bool {
        self.name.trim().is_empty()
            && self.customer.trim().is_empty()
            && self.private_key.trim().is_empty()
    }

    /// What to send, or a sentence saying what to fix.
    pub fn to_new_key(&self) -> Result<NewApiKey, String> {
        let optional = |text: &str| {
            let text = text.trim();
            (!text.is_empty()).then(|| text.to_owned())
        };
        let private_key = if self.private_key.trim().is_empty() {
            None
        } else {
            Some(
                private_key_body(&self.private_key)
                    .map_err(|reason| format!("The private key cannot be used: {reason}."))?,
            )
        };
        Ok(NewApiKey {
            role: Some(self.role),
            name: optional(&self.name),
            customer: optional(&self.customer),
            private_key,
        })
    }
}

/// Confirming a revoke. Several keys at once need their count typed, as a guard against a
/// slip of the Delete key.
pub struct RevokeForm {
    pub keys: Vec<ApiKey>,
    pub typed: String,
    /// Set when the dialog opens: the count field takes the focus in the first frame.
    pub focus_typed: bool,
    pub error: Option<String>,
}

impl RevokeForm {
    pub fn new(keys: Vec<ApiKey>) -> Self {
        RevokeForm {
            keys,
            typed: String::new(),
            focus_typed: true,
            error: None,
        }
    }

    pub fn needs_typed_count(&self) -> bool {
        self.keys.len() > 1
    }

    pub fn is_confirmed(&self) -> bool {
        !self.needs_typed_count() || self.typed.trim() == self.keys.len().to_string()
    }
}

/// Rotating a key: create the replacement, show it, and revoke the old key only once the user
/// says the clients were moved.
pub struct RotateFlow {
    pub old: ApiKey,
    pub new: Option<ApiKey>,
    pub clients_moved: bool,
    pub error: Option<String>,
}

impl RotateFlow {
    pub fn new(old: ApiKey) -> Self {
        RotateFlow {
            old,
            new: None,
            clients_moved: false,
            error: None,
        }
    }

    /// The replacement: same role, name and customer.
    pub fn replacement(&self) -> NewApiKey {
        NewApiKey {
            role: self.old.role,
            name: self.old.name().map(str::to_owned),
            customer: self.old.customer().map(str::to_owned),
            private_key: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_form_trims_and_leaves_out_empty_fields() {
        let form = CreateForm {
            name: "  CRM export ".into(),
            customer: "   ".into(),
            ..CreateForm::default()
        };
        let new_key = form.to_new_key().unwrap_or_default();
        assert_eq!(new_key.name.as_deref(), Some("CRM export"));
        assert_eq!(new_key.customer, None);
        assert_eq!(new_key.role, Some(Role::Licensee));
        assert_eq!(new_key.private_key, None);
    }

    #[test]
    fn a_bad_private_key_is_refused_with_a_reason() {
        let form = CreateForm {
            private_key: Zeroizing::new(
                "-----BEGIN RSA PRIVATE KEY-----\nabc\n-----END RSA PRIVATE KEY-----".into(),
            ),
            ..CreateForm::default()
        };
        assert!(form.to_new_key().unwrap_err().contains("PKCS#1"));
    }

    #[test]
    fn bulk_revoke_needs_the_count_typed() {
        let mut form = RevokeForm::new(Vec::new());
        assert!(form.is_confirmed());
        form.keys = vec![dummy(), dummy()];
        assert!(!form.is_confirmed());
        form.typed = " 2 ".into();
        assert!(form.is_confirmed());
    }

    fn dummy() -> ApiKey {
        ApiKey::new(
            crate::api::Secret::new("k"),
            None,
            crate::api::KeyDetails::default(),
        )
    }
}
