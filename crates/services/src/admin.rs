//! Running the platform: the first administrator, the users page, the audit log.

use crate::accounts::{Client, CurrentSession, audit};
use crate::{ServiceError, Services};
use domain::permissions;
use domain::{Email, Role, UserId};
use store::{AuditFilter, AuditRecord, Change, NewUser, UserRecord};

/// Audit entries per page.
const AUDIT_PAGE: i64 = 100;

/// An administrator made by [`create_admin`].
#[derive(Clone, Debug)]
pub struct NewAdmin {
    /// Their account.
    pub id: UserId,
    /// The generated password when the account is new; `None` when an existing account was promoted
    /// (its password stays as it was).
    pub password: Option<String>,
}

/// Makes `email` an administrator: creates the account with a generated password (to be printed
/// once for the operator), or promotes the account if it exists. Running it twice is harmless.
pub async fn create_admin(
    services: &Services,
    email: &str,
    display_name: &str,
) -> Result<NewAdmin, ServiceError> {
    let email = Email::parse(email).map_err(|_| ServiceError::Invalid("email"))?;
    let display_name = domain::parse_display_name(display_name)
        .map_err(|_| ServiceError::Invalid("display_name"))?;
    let store = services.store();
    if let Some(account) = store.credentials(&email).await? {
        let mut tx = store.begin().await?;
        tx.set_user_role(account.id, Role::Admin).await?;
        tx.announce(&Change::User(account.id)).await?;
        tx.commit().await?;
        services.sessions.evict_user(account.id);
        return Ok(NewAdmin {
            id: account.id,
            password: None,
        });
    }
    let password = crate::secrets::new_password();
    let hash = crate::secrets::hash_password(password.clone()).await?;
    let mut tx = store.begin().await?;
    let id = tx
        .create_user(&NewUser {
            email,
            display_name,
            role: Role::Admin,
            password_hash: Some(hash),
        })
        .await?;
    tx.commit().await?;
    Ok(NewAdmin {
        id,
        password: Some(password),
    })
}

impl Services {
    /// Users whose email or name contains `query`, for the admin users page.
    pub async fn find_users(
        &self,
        me: &CurrentSession,
        query: &str,
    ) -> Result<Vec<UserRecord>, ServiceError> {
        if !permissions::can_manage_users(Some(&me.actor)) {
            return Err(ServiceError::Forbidden);
        }
        let query: String = query.trim().chars().take(100).collect();
        Ok(self.store().search_users(&query, 100).await?)
    }

    /// Gives `target` the role `role`.
    pub async fn set_role(
        &self,
        me: &CurrentSession,
        target: UserId,
        role: Role,
        client: &Client,
    ) -> Result<(), ServiceError> {
        if !permissions::can_set_role(Some(&me.actor), target, role) {
            return Err(ServiceError::Forbidden);
        }
        let mut tx = self.store().begin().await?;
        if !tx.set_user_role(target, role).await? {
            return Err(ServiceError::NotFound);
        }
        let (me_id, target_id) = (Some(me.actor.id), Some(target));
        audit(
            &mut tx,
            "role_changed",
            me_id,
            target_id,
            client,
            role.as_str(),
        )
        .await?;
        tx.announce(&Change::User(target)).await?;
        tx.commit().await?;
        self.sessions.evict_user(target);
        Ok(())
    }

    /// Disables `target` (signing them out everywhere at once) or enables them again.
    pub async fn set_disabled(
        &self,
        me: &CurrentSession,
        target: UserId,
        disabled: bool,
        client: &Client,
    ) -> Result<(), ServiceError> {
        if !permissions::can_disable_user(Some(&me.actor), target) {
            return Err(ServiceError::Forbidden);
        }
        let event = if disabled {
            "account_disabled"
        } else {
            "account_enabled"
        };
        let mut tx = self.store().begin().await?;
        if !tx.set_disabled(target, disabled).await? {
            return Err(ServiceError::NotFound);
        }
        audit(&mut tx, event, Some(me.actor.id), Some(target), client, "").await?;
        tx.announce(&Change::User(target)).await?;
        tx.commit().await?;
        self.sessions.evict_user(target);
        Ok(())
    }

    /// A page of security events matching `filter`, newest first, for admins. The second value is
    /// where the next (older) page starts, if there is one.
    pub async fn audit_log(
        &self,
        me: &CurrentSession,
        filter: &AuditFilter,
    ) -> Result<(Vec<AuditRecord>, Option<i64>), ServiceError> {
        if !permissions::can_manage_users(Some(&me.actor)) {
            return Err(ServiceError::Forbidden);
        }
        let mut records = self.store().audit_page(filter, AUDIT_PAGE + 1).await?;
        let more = records.len() > AUDIT_PAGE as usize;
        records.truncate(AUDIT_PAGE as usize);
        let next = more.then(|| records.last().map(|r| r.id)).flatten();
        Ok((records, next))
    }
}
