import { Body, Controller, Get, HttpCode, Inject, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@duban/domain';
import type { Request, Response } from 'express';
import { AllowRestricted, CurrentActor, CurrentSession, Public, Roles } from '../common/actor.decorator.js';
import { AuthService } from './auth.service.js';
import { AuthPolicyDto, ChangePasswordDto, LoginDto, RefreshDto, TotpCodeDto, TotpSetupDto } from './dtos/login.dto.js';
import { NoStore } from './no-store.js';
import { originOf } from './request-origin.js';
import { clearRefreshCookie, deliverTokens, refreshTokenOf, SESSION_COOKIE_HEADER } from './refresh-cookie.js';

const SESSION_COOKIE_DOC = {
  name: SESSION_COOKIE_HEADER,
  required: false,
  description: '浏览器传 1：刷新令牌写入 HttpOnly Cookie（仅 /api/auth，SameSite=Strict），不在响应中返回',
};

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @NoStore()
  @HttpCode(200)
  @ApiOperation({ summary: '登录：返回访问令牌（15 分钟）与刷新令牌；连续失败 5 次锁定 15 分钟' })
  @ApiHeader(SESSION_COOKIE_DOC)
  async login(@Body() body: LoginDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return deliverTokens(request, response, await this.auth.login(body, originOf(request)));
  }

  @Public()
  @Post('refresh')
  @NoStore()
  @HttpCode(200)
  @ApiOperation({ summary: '用刷新令牌换取新的访问令牌（刷新令牌同时轮换，旧令牌作废）；浏览器可不传 refreshToken，改用 Cookie' })
  @ApiHeader(SESSION_COOKIE_DOC)
  async refresh(@Body() body: RefreshDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    try {
      return deliverTokens(request, response, await this.auth.refresh(refreshTokenOf(request, body.refreshToken), originOf(request)));
    } catch (error) {
      clearRefreshCookie(request, response);
      throw error;
    }
  }

  @Post('logout')
  @HttpCode(204)
  @AllowRestricted()
  @ApiBearerAuth()
  @ApiOperation({ summary: '退出登录：本会话立即失效' })
  async logout(@CurrentActor() actor: Actor, @CurrentSession() sessionId: string, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<void> {
    await this.auth.logout(actor, sessionId, originOf(request));
    clearRefreshCookie(request, response);
  }

  @Get('me')
  @AllowRestricted()
  @ApiBearerAuth()
  @ApiOperation({ summary: '当前用户及会话限制（须改密、须绑定动态验证码）' })
  me(@CurrentActor() actor: Actor) {
    return this.auth.profileOf(actor);
  }

  @Post('password')
  @NoStore()
  @HttpCode(200)
  @AllowRestricted()
  @ApiBearerAuth()
  @ApiOperation({ summary: '修改密码：其他会话全部失效，返回新的令牌' })
  @ApiHeader(SESSION_COOKIE_DOC)
  async changePassword(@CurrentActor() actor: Actor, @Body() body: ChangePasswordDto, @Req() request: Request, @Res({ passthrough: true }) response: Response) {
    return deliverTokens(request, response, await this.auth.changePassword(actor, body.currentPassword, body.newPassword, originOf(request)));
  }

  @Post('totp/setup')
  @NoStore()
  @HttpCode(200)
  @AllowRestricted()
  @ApiBearerAuth()
  @ApiOperation({ summary: '绑定动态验证码：生成密钥（otpauth 链接供手机扫码）；已启用时更换绑定须提供当前密码或当前动态验证码' })
  setupTotp(@CurrentActor() actor: Actor, @Body() body: TotpSetupDto, @Req() request: Request) {
    return this.auth.setupTotp(actor, body, originOf(request));
  }

  @Post('totp/enable')
  @NoStore()
  @HttpCode(200)
  @AllowRestricted()
  @ApiBearerAuth()
  @ApiOperation({ summary: '输入手机上的动态验证码，启用双因素认证' })
  enableTotp(@CurrentActor() actor: Actor, @Body() body: TotpCodeDto, @Req() request: Request) {
    return this.auth.enableTotp(actor, body.code, originOf(request));
  }

  @Get('policy')
  @Roles('sysadmin')
  @ApiBearerAuth()
  @ApiOperation({ summary: '认证策略：须启用动态验证码的角色' })
  async policy() {
    return { totpRequiredRoles: await this.auth.totpRequiredRoles() };
  }

  @Put('policy')
  @Roles('sysadmin')
  @ApiBearerAuth()
  @ApiOperation({ summary: '设置须启用动态验证码的角色（等保三级要求双因素认证）' })
  setPolicy(@Body() body: AuthPolicyDto, @CurrentActor() actor: Actor, @Req() request: Request) {
    return this.auth.setTotpRequiredRoles(body.totpRequiredRoles, actor, originOf(request));
  }
}
